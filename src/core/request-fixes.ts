import type { LlmWarning } from "../types.js";
import type { ResolvedConfig } from "./resolve-config.js";

/**
 * The one home of what servers reject in a chat request and how the request is fixed: the
 * capability flags a preset declares, and what a 400/422 taught this client at run time (Q1–Q4).
 * `adapt-request.ts` applies the fixes before sending; the transport calls `rejectionHandler`'s hook
 * when a server refuses, and knows nothing else about chat.
 */

/** How a rejected parameter is fixed. */
export type Fix = "drop" | "rename" | "json-schema";

/** Q4: json mode sent as a schema that accepts any object (LM Studio takes only schemas). */
export const PERMISSIVE_JSON_SCHEMA = { type: "json_schema", json_schema: { name: "json_object", schema: { type: "object" } } } as const;

/** Q2: the two names of the output-token limit. */
const OUTPUT_LIMIT = ["max_tokens", "max_completion_tokens"] as const;
const otherName = (p: string) => (p === "max_tokens" ? "max_completion_tokens" : "max_tokens");

/** Q2: the output-limit name this server wants: what it taught us, else the preset's, else `max_tokens`. */
export function outputLimitName(cfg: ResolvedConfig): "max_tokens" | "max_completion_tokens" {
  for (const p of OUTPUT_LIMIT) if (cfg.learned.get(p) === "rename") return otherName(p) as "max_tokens" | "max_completion_tokens";
  return cfg.preset.capabilities?.maxTokensParam ?? "max_tokens";
}

/** Q4: whether json mode must go as a schema on this server. */
export function jsonModeAsSchema(cfg: ResolvedConfig): boolean {
  return cfg.preset.capabilities?.jsonObject === false || cfg.learned.get("response_format") === "json-schema";
}

/** Apply a fix to an outgoing body and say so. */
export function applyFix(body: Record<string, unknown>, param: string, fix: Fix, why: string, warn: (w: LlmWarning) => void): void {
  if (fix === "rename") {
    const to = otherName(param);
    body[to] = body[param];
    delete body[param];
    warn({ type: "param-renamed", param, message: `\`${param}\` was sent as \`${to}\`: ${why}` });
  } else if (fix === "json-schema") {
    body.response_format = PERMISSIVE_JSON_SCHEMA;
    warn({ type: "param-mapped", param, message: `json_object was sent as a json_schema accepting any object: ${why}` });
  } else {
    delete body[param];
    warn({ type: "param-dropped", param, message: `\`${param}\` was dropped: ${why}` });
  }
}

// Parameters a 400/422 may name, and what to do with each (Q1, Q2, Q4, Q3).
const REJECTABLE = [
  "stream_options", ...OUTPUT_LIMIT, "parallel_tool_calls", "response_format", "store",
  "logprobs", "top_logprobs", "logit_bias", "seed", "user", "reasoning_effort", "service_tier", "metadata",
  "frequency_penalty", "presence_penalty", "top_p", "temperature", "stop", "n",
];

/**
 * Q1/Q2: given a 400/422 for a body we sent, the parameter it names (one we sent), and how to fix
 * the request. Undefined when nothing fits.
 */
export function rejectedParam(body: Record<string, unknown>, message: string, param: string | undefined): { param: string; fix: Fix } | undefined {
  for (const p of REJECTABLE) {
    if (body[p] === undefined) continue;
    const named = param === p || param === `body.${p}` || (p.length > 4 && new RegExp(`(^|[^a-z_])${p}([^a-z_]|$)`, "i").test(message));
    if (!named) continue;
    if (p === "max_tokens" || p === "max_completion_tokens") return { param: p, fix: "rename" };
    if (p === "response_format" && (body.response_format as { type?: string })?.type === "json_object") return { param: p, fix: "json-schema" };
    return { param: p, fix: "drop" };
  }
  return undefined;
}

/**
 * The transport's `onRejected` hook for one chat request: when a 400/422 names a parameter we sent,
 * fix the body once per parameter, remember the fix for the client's lifetime, and ask for a resend.
 */
export function rejectionHandler(cfg: ResolvedConfig, body: Record<string, unknown>, warn: (w: LlmWarning) => void): (message: string, param: string | undefined) => boolean {
  const tried = new Set<string>();
  return (message, param) => {
    const r = rejectedParam(body, message, param);
    if (!r || tried.has(r.param)) return false;
    tried.add(r.param);
    cfg.learned.set(r.param, r.fix);
    applyFix(body, r.param, r.fix, `${cfg.preset.id} rejected it; retried (remembered for this client)`, warn);
    return true;
  };
}
