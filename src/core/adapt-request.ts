import { ConfigError } from "../errors.js";
import type { ChatCompletionCreateParams, LlmWarning } from "../types.js";
import type { ResolvedConfig } from "./resolve-config.js";

/** Q4: LM Studio takes json mode only as a schema; this one accepts any object. */
const PERMISSIVE_SCHEMA = { type: "json_schema", json_schema: { name: "json_object", schema: { type: "object" } } };

/**
 * Build the JSON body of a chat request for this client's preset: the one place where request
 * quirks (Q1–Q6, R4, C6) and what servers rejected earlier (learned) are applied. Every change is
 * reported through `warn`. `params` is never mutated.
 */
export function buildChatBody(params: ChatCompletionCreateParams, cfg: ResolvedConfig, warn: (w: LlmWarning) => void): Record<string, unknown> {
  if (!params || typeof params !== "object" || !Array.isArray(params.messages)) {
    throw new ConfigError("chat.completions.create needs { messages: [...] }");
  }
  const caps = cfg.preset.capabilities ?? {};
  const body: Record<string, unknown> = cfg.defaults ? { ...cfg.defaults, ...params } : { ...params };
  const model = (body.model as string | undefined) ?? cfg.model;
  if (!model) throw new ConfigError(`no model: pass { model } in the request or createClient({ model }) (provider "${cfg.preset.id}" has no default)`);
  body.model = model;

  // C6: ask for usage in streams where the server can give it; Q1: not where it rejects the option.
  if (params.stream && caps.streamUsage !== false && body.stream_options === undefined && !cfg.learned.has("stream_options")) {
    body.stream_options = { include_usage: true };
  }
  if (!params.stream) delete body.stream_options;

  // Q2: the output-token limit goes by the name this server wants.
  const wanted = cfg.learned.get("max_tokens") === "rename" ? "max_completion_tokens"
    : cfg.learned.get("max_completion_tokens") === "rename" ? "max_tokens"
    : caps.maxTokensParam ?? "max_tokens";
  const other = wanted === "max_tokens" ? "max_completion_tokens" : "max_tokens";
  if (body[other] != null && body[wanted] == null) {
    body[wanted] = body[other];
    delete body[other];
    warn({ type: "param-renamed", param: other, message: `\`${other}\` was sent as \`${wanted}\`, the name ${cfg.preset.id} accepts` });
  }

  body.messages = adaptMessages(params.messages as unknown as Record<string, unknown>[], cfg, warn);

  const rf = body.response_format as { type?: string } | undefined;
  if (rf?.type === "json_object" && (caps.jsonObject === false || cfg.learned.get("response_format") === "json-schema")) {
    body.response_format = PERMISSIVE_SCHEMA;
    warn({ type: "param-mapped", param: "response_format", message: `${cfg.preset.id} rejects json_object; sent as a json_schema accepting any object` });
  }

  // Q3: parameters this server rejects, declared by the preset or learned from a 400/422.
  for (const p of caps.unsupportedParams ?? []) drop(body, p, `${cfg.preset.id} does not support \`${p}\`; it was dropped`, warn);
  for (const [p, action] of cfg.learned) {
    if (action === "drop") drop(body, p, `${cfg.preset.id} rejected \`${p}\` earlier; it was dropped`, warn);
  }

  cfg.preset.hooks?.adaptRequest?.(body, { warn });
  return body;
}

function drop(body: Record<string, unknown>, p: string, message: string, warn: (w: LlmWarning) => void): void {
  if (body[p] === undefined) return;
  delete body[p];
  warn({ type: "param-dropped", param: p, message });
}

function adaptMessages(messages: Record<string, unknown>[], cfg: ResolvedConfig, warn: (w: LlmWarning) => void): Record<string, unknown>[] {
  const caps = cfg.preset.capabilities ?? {};
  const policy = caps.toolCallTurnContent ?? "keep";
  let mappedRole = false;
  let out: Record<string, unknown>[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    let n = m;
    // Q5: most servers reject the `developer` role; it means `system` to them.
    if (m.role === "developer" && !caps.developerRole) {
      n = { ...n, role: "system" };
      mappedRole = true;
    }
    if (m.role === "assistant") {
      // R4: DeepSeek wants reasoning back on tool turns; everyone else may reject the unknown field.
      if ("reasoning_content" in m && !caps.reasoningRoundTrip) {
        const { reasoning_content: _r, ...rest } = n;
        n = rest;
      }
      // Q6: Ollama rejects `content: null` on a tool-call turn, Bedrock-backed servers reject "".
      if (Array.isArray(m.tool_calls) && m.tool_calls.length && (m.content == null || m.content === "")) {
        if (policy === "empty-string" && m.content !== "") n = { ...n, content: "" };
        else if (policy === "null" && m.content !== null) n = { ...n, content: null };
      }
    }
    if (n !== m) (out ??= messages.slice(0, i)).push(n);
    else out?.push(m);
  }
  if (mappedRole) warn({ type: "role-mapped", message: `${cfg.preset.id} does not accept the developer role; sent as system` });
  return out ?? messages;
}

/** Rough token estimate for client-side rate limiting: 4 characters a token, plus the output limit. */
export function estimateTokens(body: Record<string, unknown>, text: string): number {
  const out = Number(body.max_completion_tokens ?? body.max_tokens ?? 0);
  return Math.ceil(text.length / 4) + (Number.isFinite(out) ? out : 0);
}

// Parameters a 400/422 may name, and what to do with each (Q1, Q2, Q4, Q3).
const REJECTABLE = [
  "stream_options", "max_tokens", "max_completion_tokens", "parallel_tool_calls", "response_format", "store",
  "logprobs", "top_logprobs", "logit_bias", "seed", "user", "reasoning_effort", "service_tier", "metadata",
  "frequency_penalty", "presence_penalty", "top_p", "temperature", "stop", "n",
];

/**
 * Q1/Q2: given a 400/422 for a body we sent, the parameter it names (one we sent), and how to fix
 * the request: drop it, rename it, or map json mode to a schema. Undefined when nothing fits.
 */
export function rejectedParam(body: Record<string, unknown>, message: string, param: string | undefined): { param: string; action: "drop" | "rename" | "json-schema" } | undefined {
  for (const p of REJECTABLE) {
    if (body[p] === undefined) continue;
    const named = param === p || param === `body.${p}` || (p.length > 4 && new RegExp(`(^|[^a-z_])${p}([^a-z_]|$)`, "i").test(message));
    if (!named) continue;
    if (p === "max_tokens" || p === "max_completion_tokens") return { param: p, action: "rename" };
    if (p === "response_format" && (body.response_format as { type?: string })?.type === "json_object") return { param: p, action: "json-schema" };
    return { param: p, action: "drop" };
  }
  return undefined;
}
