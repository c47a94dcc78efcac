import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  CompletionUsage,
  FinishReason,
  LlmWarning,
} from "../types.js";

interface ChoiceAcc {
  index: number;
  content: string | null;
  reasoning: string | undefined;
  refusal: string | null | undefined;
  tools: ChatCompletionMessageToolCall[] | undefined;
  finish: FinishReason | null;
  rawFinish: string | undefined;
  logprobs: unknown[] | undefined;
  extra: Record<string, unknown> | undefined;
}

// A switch beats a Set lookup on the per-chunk path (benchmark: streamed event cost).
function knownDeltaKey(k: string): boolean {
  switch (k) {
    case "content": case "role": case "reasoning_content": case "tool_calls": case "refusal": return true;
    default: return false;
  }
}
function knownChunkKey(k: string): boolean {
  switch (k) {
    case "id": case "object": case "created": case "model": case "choices": case "usage": case "system_fingerprint": return true;
    default: return false;
  }
}

/**
 * Folds normalised chunks into one `ChatCompletion`. Expects chunks from `ChunkNormalizer`
 * (canonical tool-call indices, string arguments), so each step is a lookup and a string append:
 * linear in the stream, never a re-parse of the growing arguments.
 * Never throws on a missing optional field (C4: no role → assistant).
 * Internal: callers use `ChatCompletionAccumulator`, which normalises first.
 */
export class CompletionFold {
  private id = "";
  private model = "";
  private created = 0;
  private fingerprint: string | null | undefined;
  private usage: CompletionUsage | undefined;
  private readonly choices: ChoiceAcc[] = [];
  private extra: Record<string, unknown> | undefined;

  add(chunk: ChatCompletionChunk): void {
    if (chunk.id && !this.id) this.id = chunk.id;
    if (chunk.model) this.model = chunk.model;
    if (chunk.created && !this.created) this.created = chunk.created;
    if (chunk.system_fingerprint != null) this.fingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const key in chunk) if (!knownChunkKey(key)) (this.extra ??= {})[key] = chunk[key];
    const choices = chunk.choices;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      const acc = (this.choices[c.index] ??= {
        index: c.index, content: null, reasoning: undefined, refusal: undefined, tools: undefined,
        finish: null, rawFinish: undefined, logprobs: undefined, extra: undefined,
      });
      const d = c.delta;
      if (typeof d.content === "string" && d.content !== "") acc.content = acc.content === null ? d.content : acc.content + d.content;
      else if (d.content === "" && acc.content === null && !acc.tools) acc.content = "";
      if (d.reasoning_content) acc.reasoning = acc.reasoning === undefined ? d.reasoning_content : acc.reasoning + d.reasoning_content;
      if (typeof d.refusal === "string") acc.refusal = (acc.refusal ?? "") + d.refusal;
      if (d.tool_calls) {
        const tools = (acc.tools ??= []);
        for (const t of d.tool_calls) {
          const call = tools[t.index];
          if (!call) tools[t.index] = { id: t.id ?? "", type: "function", function: { name: t.function?.name ?? "", arguments: t.function?.arguments ?? "" } };
          else if (t.function?.arguments) call.function.arguments += t.function.arguments;
        }
      }
      for (const key in d) {
        if (knownDeltaKey(key)) continue;
        // Unknown fields pass through: arrays (annotations, content parts) accumulate, anything else: last wins.
        const extra = (acc.extra ??= {});
        const prev = extra[key];
        extra[key] = Array.isArray(prev) && Array.isArray(d[key]) ? prev.concat(d[key]) : d[key];
      }
      const lp = (c.logprobs as { content?: unknown[] } | null | undefined)?.content;
      if (Array.isArray(lp)) (acc.logprobs ??= []).push(...lp);
      if (c.finish_reason) {
        acc.finish = c.finish_reason;
        if (c.raw_finish_reason !== undefined) acc.rawFinish = c.raw_finish_reason;
      }
    }
  }

  /** What has arrived so far, without synthesising anything (for errors that carry the partial output). */
  snapshot(): ChatCompletion {
    return this.build(undefined);
  }

  /**
   * The final completion. F1: a choice that never got a finish reason gets `stop` (or `tool_calls`),
   * with a warning. T7: empty arguments become `"{}"`.
   */
  finish(warnings: LlmWarning[]): ChatCompletion {
    if (this.choices.length === 0) this.choices[0] = {
      index: 0, content: null, reasoning: undefined, refusal: undefined, tools: undefined,
      finish: null, rawFinish: undefined, logprobs: undefined, extra: undefined,
    };
    return this.build(warnings);
  }

  private build(warnings: LlmWarning[] | undefined): ChatCompletion {
    const choices: ChatCompletionChoice[] = [];
    for (const acc of this.choices) {
      if (!acc) continue;
      let finish = acc.finish;
      const tools = acc.tools?.filter(Boolean);
      if (warnings) {
        if (tools) for (const t of tools) if (t.function.arguments === "") t.function.arguments = "{}";
        if (finish === null) {
          finish = tools && tools.length ? "tool_calls" : "stop";
          warnings.push({ type: "finish-reason-synthesised", message: `the stream ended without a finish reason for choice ${acc.index}; reported "${finish}"` });
        }
      }
      const message: ChatCompletionChoice["message"] = { role: "assistant", content: acc.content, ...acc.extra };
      if (acc.reasoning !== undefined) message.reasoning_content = acc.reasoning;
      if (tools && tools.length) message.tool_calls = tools;
      if (acc.refusal !== undefined) message.refusal = acc.refusal;
      const choice: ChatCompletionChoice = { index: acc.index, message, finish_reason: finish };
      if (acc.rawFinish !== undefined) choice.raw_finish_reason = acc.rawFinish;
      if (acc.logprobs) choice.logprobs = { content: acc.logprobs };
      choices.push(choice);
    }
    const out: ChatCompletion = {
      ...this.extra,
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices,
    };
    if (this.usage) out.usage = this.usage;
    if (this.fingerprint !== undefined) out.system_fingerprint = this.fingerprint;
    if (warnings && warnings.length) out.warnings = warnings;
    return out;
  }
}
