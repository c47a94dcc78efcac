import type { LlmWarning } from "../types.js";
import type { Fix, ResolvedConfig } from "./resolve-config.js";

/**
 * The one home of what servers reject in a chat request and how the request is fixed: the
 * capability flags a preset declares, and what a 400/422 taught this client at run time (Q1–Q4).
 * `adapt-request.ts` applies the fixes before sending; the transport calls `rejectionHandler`'s hook
 * when a server refuses, and knows nothing else about chat.
 */


/**
 * How a server is asked for JSON of a given shape, best first: `json_schema` (the schema drives
 * constrained decoding), `json_object` (JSON mode, the schema in the system message), `prompt`
 * (the schema in the system message only).
 */
export type StructuredStrategy = "json_schema" | "json_object" | "prompt";
const RANK: Record<StructuredStrategy, number> = { json_schema: 0, json_object: 1, prompt: 2 };

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

/**
 * The best structured-output strategy for this request: the caller's choice, else the lower of the
 * preset's and what the server taught this client (a 400 naming `response_format`).
 */
export function structuredStrategy(cfg: ResolvedConfig, asked: unknown, model: string): StructuredStrategy {
  if (asked === "json_schema" || asked === "json_object" || asked === "prompt") return asked;
  const declared = cfg.preset.capabilities?.structuredOutput ?? "json_schema";
  const preset = typeof declared === "function" ? declared(model) : declared;
  const learned = cfg.learned.get("response_format");
  const taught: StructuredStrategy = learned === "prompt" ? "prompt" : learned === "json-object" ? "json_object" : "json_schema";
  return RANK[taught] > RANK[preset] ? taught : preset;
}

const INSTRUCTION = "Reply with one JSON value and nothing else: no prose, no code fence.";

/** The system-message text that carries a schema when the server cannot take it as `response_format`. */
export function schemaInstruction(schema: unknown): string {
  return schema === undefined ? INSTRUCTION : `${INSTRUCTION} It must match this JSON Schema:\n${JSON.stringify(schema)}`;
}

/** Add `text` to the leading system message, or start the conversation with one. */
function addInstruction(body: Record<string, unknown>, text: string): void {
  const messages = [...(body.messages as Record<string, unknown>[])];
  const first = messages[0];
  if (first?.role === "system" && typeof first.content === "string") messages[0] = { ...first, content: `${first.content}\n\n${text}` };
  else messages.unshift({ role: "system", content: text });
  body.messages = messages;
}

/**
 * Send a `response_format` with a weaker strategy than it asks for: a `json_schema` as `json_object`
 * plus the schema in the system message, or either as the instruction alone. Warns with `why`.
 */
export function downgradeResponseFormat(body: Record<string, unknown>, to: StructuredStrategy, why: string, warn: (w: LlmWarning) => void): void {
  const rf = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (!rf || (rf.type !== "json_schema" && rf.type !== "json_object")) return;
  const from = rf.type as StructuredStrategy;
  if (RANK[to] <= RANK[from]) return;
  const schema = rf.type === "json_schema" ? rf.json_schema?.schema : undefined;
  if (to === "json_object") body.response_format = { type: "json_object" };
  else delete body.response_format;
  addInstruction(body, schemaInstruction(schema));
  warn({
    type: "structured-output-strategy", param: "response_format",
    message: `structured output: ${from} was sent as ${to === "prompt" ? "an instruction in the system message" : "json_object with the schema in the system message"}: ${why}`,
  });
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
  } else if (fix === "json-object" || fix === "prompt") {
    downgradeResponseFormat(body, fix === "prompt" ? "prompt" : "json_object", why, warn);
  } else if (fix === "mention-json") {
    addInstruction(body, INSTRUCTION);
    warn({ type: "param-mapped", param, message: `json_object needs the word "json" in the messages; an instruction saying so was added to the system message: ${why}` });
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
  const rf = body.response_format as { type?: string } | undefined;
  // OpenAI, Groq, DeepSeek: JSON mode is refused unless a message says "json". Nothing is wrong with
  // `response_format`: say it in the system message, keep JSON mode.
  if (rf?.type === "json_object" && /must contain the word .?json/i.test(message)) return { param: "response_format", fix: "mention-json" };
  // OpenAI's strict mode refusing the schema itself ("Invalid schema for response_format …") is the
  // caller's schema to fix, not a server that lacks json_schema: stepping down would hide it.
  if (rf?.type === "json_schema" && /invalid schema/i.test(message)) return undefined;
  for (const p of REJECTABLE) {
    if (body[p] === undefined) continue;
    const named = param === p || param === `body.${p}` || (p.length > 4 && new RegExp(`(^|[^a-z_])${p}([^a-z_]|$)`, "i").test(message));
    if (!named) continue;
    if (p === "max_tokens" || p === "max_completion_tokens") return { param: p, fix: "rename" };
    if (p === "response_format") return { param: p, fix: responseFormatFix(body) };
    return { param: p, fix: "drop" };
  }
  return undefined;
}

/**
 * What to try when a server refuses the `response_format` we sent: a real schema falls back to JSON mode
 * with the schema in the system message, JSON mode that came from such a fallback to the instruction
 * alone; a plain JSON-mode request becomes a permissive schema (Q4, LM Studio), and that, refused too,
 * is dropped.
 */
function responseFormatFix(body: Record<string, unknown>): Fix {
  const rf = body.response_format as { type?: string; json_schema?: unknown } | undefined;
  if (rf?.type === "json_schema") return rf.json_schema === PERMISSIVE_JSON_SCHEMA.json_schema ? "drop" : "json-object";
  if (rf?.type === "json_object") return hasInstruction(body) ? "prompt" : "json-schema";
  return "drop";
}

function hasInstruction(body: Record<string, unknown>): boolean {
  const first = (body.messages as Record<string, unknown>[] | undefined)?.[0];
  return first?.role === "system" && typeof first.content === "string" && first.content.includes(INSTRUCTION);
}

/**
 * The transport's `onRejected` hook for one chat request: when a 400/422 names a parameter we sent,
 * fix the body once per parameter, remember the fix for the client's lifetime, and ask for a resend.
 */
export function rejectionHandler(cfg: ResolvedConfig, body: Record<string, unknown>, warn: (w: LlmWarning) => void): (message: string, param: string | undefined) => boolean {
  const tried = new Set<string>();
  return (message, param) => {
    const r = rejectedParam(body, message, param);
    // Once per parameter and fix: `response_format` may step down more than once (schema → JSON mode → prompt).
    const key = `${r?.param}:${r?.fix}`;
    if (!r || tried.has(key)) return false;
    tried.add(key);
    // A missing "json" is this request's wording, not something the server lacks: nothing to remember.
    if (r.fix !== "mention-json") cfg.learned.set(r.param, r.fix);
    applyFix(body, r.param, r.fix, `${cfg.preset.id} rejected it; retried${r.fix === "mention-json" ? "" : " (remembered for this client)"}`, warn);
    return true;
  };
}
