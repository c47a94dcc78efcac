import { safeStringify } from "../core/json.js";
import { InvalidResponseError, LlmError } from "../errors.js";
import type { ProviderHooks } from "../providers/preset.js";
import type { ChatCompletion, ChatCompletionChunk, LlmWarning } from "../types.js";
import { CompletionFold } from "./fold.js";
import { ChunkNormalizer } from "./normalize-chunk.js";

/** Options of `ChatCompletionAccumulator`; all optional. */
export interface AccumulatorOptions {
  /** Named in errors [`"openai-compatible"`]. */
  provider?: string;
  /** The model asked for, used until a chunk names one. */
  model?: string;
  /** A preset's hooks (`normalizeChunk`). */
  hooks?: ProviderHooks;
  /** R3: split a leading `<think>…</think>` out of the content [false]. */
  thinkTags?: boolean;
}

/**
 * Builds a `ChatCompletion` from the chunks of any OpenAI-compatible stream, as they come off the
 * wire (parsed JSON), whatever quirks the server has: `add` normalises each chunk (in place) and folds
 * it in, `finish` releases what was held back and returns the whole completion. This is what
 * `ChatStream` and non-streamed calls use: a non-streamed response is one chunk whose choices carry
 * `message`.
 *
 * @example
 * const acc = new ChatCompletionAccumulator({ provider: "ollama" });
 * for await (const raw of myOwnSseParser(response)) forward(acc.add(raw));
 * const completion = acc.finish();
 */
export class ChatCompletionAccumulator {
  private readonly normalizer: ChunkNormalizer;
  private readonly fold = new CompletionFold();
  private readonly provider: string;
  private flushed = false;

  constructor(options: AccumulatorOptions = {}) {
    this.normalizer = new ChunkNormalizer(options.hooks, options.thinkTags ?? false, options.model);
    this.provider = options.provider ?? "openai-compatible";
  }

  /**
   * Normalise one raw chunk and fold it in; returns the normalised chunk (the same object).
   * @throws {InvalidResponseError} the chunk cannot be normalised (e.g. nested too deep to serialise).
   */
  add(chunk: Record<string, unknown>): ChatCompletionChunk {
    let normalised: ChatCompletionChunk;
    try {
      normalised = this.normalizer.push(chunk);
      this.fold.add(normalised);
    } catch (e) {
      if (e instanceof LlmError) throw e;
      // A stack overflow on absurdly nested JSON, or any other surprise: a typed error saying what it is.
      throw new InvalidResponseError(`${this.provider}: a chunk could not be normalised: ${(e as Error)?.message ?? e}`, {
        provider: this.provider, body: safeStringify(chunk), partial: this.fold.snapshot(), cause: e,
      });
    }
    return normalised;
  }

  /** A chunk that said the generation failed (OpenRouter's `finish_reason: "error"`, S5), if one came. */
  get failure(): Record<string, unknown> | undefined {
    return this.normalizer.failure;
  }

  /**
   * The stream ended: a last chunk with what was held back (text that might have been a `<think>`
   * tag, tool calls whose name never came), already folded in; undefined when nothing was held.
   * Called by `finish`; call it yourself to forward that last chunk.
   */
  flush(): ChatCompletionChunk | undefined {
    if (this.flushed) return undefined;
    this.flushed = true;
    const tail = this.normalizer.flush();
    if (tail) this.fold.add(tail);
    return tail;
  }

  /** What has arrived so far, without synthesising anything (the partial output errors carry). */
  snapshot(): ChatCompletion {
    return this.fold.snapshot();
  }

  /**
   * The whole completion. F1: a choice that never got a finish reason gets `stop` (or `tool_calls`)
   * and a warning, pushed into `warnings` when given (and put on the completion).
   */
  finish(warnings: LlmWarning[] = []): ChatCompletion {
    this.flush();
    return this.fold.finish(warnings);
  }
}
