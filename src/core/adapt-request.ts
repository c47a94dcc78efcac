import { ConfigError } from "../errors.js";
import type { ChatCompletionCreateParams, LlmWarning } from "../types.js";
import { applyFix, downgradeResponseFormat, jsonModeAsSchema, outputLimitName, structuredStrategy } from "./request-fixes.js";
import type { ResolvedConfig } from "./resolve-config.js";
import { wireTool } from "./tool-mark.js";

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
  // Anything the typed parameters do not cover travels as given.
  const extra = body.extra_body;
  delete body.extra_body;
  if (extra !== undefined) {
    if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new ConfigError("extra_body must be an object of body fields");
    Object.assign(body, extra);
  }
  const model = (body.model as string | undefined) ?? cfg.model;
  if (!model) throw new ConfigError(`no model: pass { model } in the request or createClient({ model }) (provider "${cfg.preset.id}" has no default)`);
  body.model = model;

  // C6: ask for usage in streams where the server can give it; Q1: not where it rejects the option.
  if (params.stream && caps.streamUsage !== false && body.stream_options === undefined && !cfg.learned.has("stream_options")) {
    body.stream_options = { include_usage: true };
  }
  if (!params.stream) delete body.stream_options;

  // Q2: the output-token limit goes by the name this server wants.
  const wanted = outputLimitName(cfg);
  const other = wanted === "max_tokens" ? "max_completion_tokens" : "max_tokens";
  if (body[other] != null && body[wanted] == null) applyFix(body, other, "rename", `the name ${cfg.preset.id} accepts`, warn);

  body.messages = adaptMessages(params.messages as unknown as Record<string, unknown>[], cfg, warn);
  // tool() objects travel as the plain OpenAI function tool they contain.
  if (Array.isArray(body.tools)) body.tools = body.tools.map(wireTool);

  delete body.repairHistory;
  // Structured output: the strategy the caller asked for, else what the preset and the server allow.
  const asked = body.structuredOutput;
  delete body.structuredOutput;
  const strategy = structuredStrategy(cfg, asked, model);
  downgradeResponseFormat(body, strategy, asked !== undefined ? "asked for with structuredOutput" : `the strategy ${cfg.preset.id} takes`, warn);
  const rf = body.response_format as { type?: string } | undefined;
  if (rf?.type === "json_object" && jsonModeAsSchema(cfg)) applyFix(body, "response_format", "json-schema", `${cfg.preset.id} rejects json_object`, warn);

  // Q3: parameters this server rejects, declared by the preset or learned from a 400/422.
  for (const p of caps.unsupportedParams ?? []) {
    if (body[p] !== undefined) applyFix(body, p, "drop", `${cfg.preset.id} does not support it`, warn);
  }
  for (const [p, fix] of cfg.learned) {
    if (fix === "drop" && body[p] !== undefined) applyFix(body, p, "drop", `${cfg.preset.id} rejected it earlier`, warn);
  }

  cfg.preset.hooks?.adaptRequest?.(body, { warn });
  return body;
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
      const toolTurn = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
      // Q6: older Ollama rejects `content: null` on a tool-call turn, Bedrock-backed servers reject "".
      if (toolTurn && (m.content == null || m.content === "")) {
        if (policy === "empty-string" && m.content !== "") n = { ...n, content: "" };
        else if (policy === "null" && m.content !== null) n = { ...n, content: null };
      }
      // Q6: an assistant turn with neither text nor tool calls (a history saved from a tool-call turn
      // whose calls were dropped) has content "": current Ollama and OpenAI both reject `null` there.
      if (!toolTurn && m.content == null) n = { ...n, content: "" };
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
