import { normalizeFinishReason } from "../core/finish-reason.js";
import type { ProviderHooks } from "../providers/preset.js";
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from "../types.js";
import { flattenContent } from "./content-parts.js";
import { ThinkTagSplitter } from "./think-tags.js";
import { ToolCallCorrelator } from "./tool-calls.js";

interface ChoiceState {
  tools: ToolCallCorrelator | undefined;
  think: ThinkTagSplitter | undefined;
}

/**
 * Turns each raw parsed chunk into a canonical `ChatCompletionChunk`, in place (the object is
 * ours: freshly parsed). Stateful per stream: it remembers metadata (C7), correlates tool calls
 * and splits think tags across chunks.
 */
export class ChunkNormalizer {
  private id = "";
  private model = "";
  private created = 0;
  private readonly choices: ChoiceState[] = [];
  /** Set when a chunk said the generation failed (OpenRouter's `finish_reason: "error"`, S5): that chunk. */
  failure: Record<string, any> | undefined;

  constructor(
    private readonly hooks: ProviderHooks | undefined,
    private readonly thinkTags: boolean,
    fallbackModel: string | undefined,
  ) {
    this.model = fallbackModel ?? "";
  }

  push(raw: Record<string, any>): ChatCompletionChunk {
    this.hooks?.normalizeChunk?.(raw);
    // C5: Groq puts usage in `x_groq.usage`; read it for every server, so it survives a gateway or relay.
    if (raw.usage == null && raw.x_groq?.usage) raw.usage = raw.x_groq.usage;
    // C7: a placeholder first chunk may have empty id/model; take them from the first that has them.
    if (typeof raw.id === "string" && raw.id !== "") { if (!this.id) this.id = raw.id; } else raw.id = this.id;
    if (typeof raw.model === "string" && raw.model !== "") this.model = raw.model;
    else raw.model = this.model;
    if (typeof raw.created === "number") { if (!this.created) this.created = raw.created; } else raw.created = this.created || (this.created = Math.floor(Date.now() / 1000));
    raw.object = "chat.completion.chunk";
    // C1/C2: `choices` may be [], null or absent (usage frames).
    const choices = raw.choices;
    if (!Array.isArray(choices)) raw.choices = [];
    else for (let i = 0; i < choices.length; i++) this.choice(choices[i], i, raw);
    return raw as ChatCompletionChunk;
  }

  /** The stream ended: release text held by think-tag splitters and tool calls still waiting for a name. */
  flush(): ChatCompletionChunk | undefined {
    const out: ChatCompletionChunkChoice[] = [];
    this.choices.forEach((st, index) => {
      const delta: Record<string, unknown> = {};
      if (st.think) {
        const { content, reasoning } = st.think.flush();
        if (content) delta.content = content;
        if (reasoning) delta.reasoning_content = reasoning;
      }
      const tools = st.tools?.flush();
      if (tools && tools.length) delta.tool_calls = tools;
      if (Object.keys(delta).length) out.push({ index, delta, finish_reason: null });
    });
    if (!out.length) return undefined;
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: out };
  }

  private state(index: number): ChoiceState {
    return (this.choices[index] ??= {
      tools: undefined,
      think: this.thinkTags ? new ThinkTagSplitter() : undefined,
    });
  }

  private choice(c: Record<string, any>, position: number, raw: Record<string, any>): void {
    if (!c || typeof c !== "object") {
      c = {};
      raw.choices[position] = c;
    }
    // C3: Cloudflare Workers AI omits `index`. An index that is not a small non-negative integer is as
    // good as missing (and a huge one would make the per-choice arrays sparse enough to hang on).
    const idx = c.index;
    if (typeof idx !== "number" || !Number.isInteger(idx) || idx < 0 || idx > 1023) c.index = position;
    const st = this.state(c.index);
    // Some servers put the delta under `message`.
    let delta = c.delta;
    if (!delta || typeof delta !== "object") delta = c.delta = c.message && typeof c.message === "object" ? c.message : {};
    if (delta === c.message) delete c.message;

    // Content as parts, an object or a number (Mistral Magistral's thinking parts): text and reasoning out of it.
    const content = delta.content;
    if (content != null && typeof content !== "string") {
      const f = flattenContent(content);
      delta.content = f.text;
      if (f.reasoning) delta.reasoning_content = (typeof delta.reasoning_content === "string" ? delta.reasoning_content : "") + f.reasoning;
      if (f.other.length) delta.content_parts = f.other;
    }
    // R1/R2: reasoning arrives as `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning` (Ollama, Groq, OpenRouter).
    if ("reasoning" in delta) {
      const r = delta.reasoning;
      if (typeof delta.reasoning_content !== "string" && r != null) delta.reasoning_content = typeof r === "string" ? r : flattenContent(r).text;
      delete delta.reasoning;
    }
    const rc = delta.reasoning_content;
    if (rc === null || rc === "") delete delta.reasoning_content;
    else if (rc !== undefined && typeof rc !== "string") delta.reasoning_content = flattenContent(rc).text;

    if (st.think && typeof delta.content === "string" && delta.content !== "") {
      const { content, reasoning } = st.think.push(delta.content);
      delta.content = content;
      if (reasoning) delta.reasoning_content = (delta.reasoning_content ?? "") + reasoning;
    }

    const tc = delta.tool_calls;
    if (tc != null) {
      if (Array.isArray(tc) && tc.length) {
        const tools = (st.tools ??= new ToolCallCorrelator());
        const norm = tools.push(tc);
        if (norm.length) delta.tool_calls = norm;
        else delete delta.tool_calls;
      } else delete delta.tool_calls;
    }

    // F2, F3, F4. F5: the delta above is applied before the finish reason by the consumer.
    const fr = c.finish_reason;
    if (fr === null || fr === undefined || fr === "") c.finish_reason = null;
    else {
      const n = normalizeFinishReason(fr, st.tools?.seen ?? false);
      if (n.error) this.failure ??= raw;
      c.finish_reason = n.value;
      if (n.raw !== undefined) c.raw_finish_reason = n.raw;
    }
  }
}
