import { errorFields } from "../core/error-map.js";
import { redact } from "../core/redact.js";
import { AbortError, LlmError, StreamError, TimeoutError } from "../errors.js";
import type { Attempt } from "../http/attempt.js";
import type { ProviderHooks } from "../providers/preset.js";
import type { ChatCompletion, ChatCompletionChunk, LlmWarning } from "../types.js";
import { ChatCompletionAccumulator } from "./accumulate.js";
import { ChunkErrorSignal, ChunkNormalizer } from "./normalize-chunk.js";
import { SseDecoder, type SseEvent } from "./sse.js";

/** What a `ChatStream` needs from the request that opened it. */
export interface ChatStreamInit {
  response: Response;
  attempt: Attempt;
  idleTimeout: number;
  provider: string;
  model: string | undefined;
  requestId: string | undefined;
  hooks: ProviderHooks | undefined;
  thinkTags: boolean;
  apiKey: string | undefined;
  warnings: LlmWarning[];
  warn: (w: LlmWarning) => void;
}

/**
 * A streamed chat completion: an async iterable of normalised `ChatCompletionChunk`s.
 * Iterate it once (or use `textStream`, or just await `finalChatCompletion()`); breaking out of the
 * loop closes the connection.
 *
 * @example
 * const stream = await llm.chat.completions.create({ messages, stream: true });
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
 * const final = await stream.finalChatCompletion();
 */
export class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  /** The HTTP response (status, headers). Its body belongs to the stream. */
  readonly response: Response;
  /** The server's request id, when it sent one. */
  readonly requestId: string | undefined;
  /** Changes made on the caller's behalf, for the request and (once finished) the stream. */
  readonly warnings: LlmWarning[];
  private readonly init: ChatStreamInit;
  private readonly acc = new ChatCompletionAccumulator();
  private started = false;
  private result: Promise<ChatCompletion>;
  private settle!: { resolve(c: ChatCompletion): void; reject(e: unknown): void };

  constructor(init: ChatStreamInit) {
    this.init = init;
    this.response = init.response;
    this.requestId = init.requestId;
    this.warnings = init.warnings;
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may ever ask for the final completion; don't let its rejection go unhandled.
    this.result.catch(() => {});
  }

  /** Abort the request and close the connection; iteration ends with an `AbortError` carrying the partial output. */
  abort(): void {
    this.init.attempt.controller.abort(new Error("abort"));
    if (!this.init.attempt.why) this.init.attempt.why = "abort";
  }

  /** The whole completion, accumulated from every chunk. Consumes the stream if nobody iterates it. */
  async finalChatCompletion(): Promise<ChatCompletion> {
    if (!this.started) for await (const _ of this) { /* drain */ }
    return this.result;
  }

  /** Just the text of choice 0, as it arrives. */
  get textStream(): AsyncIterable<string> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of self) {
          const c = chunk.choices[0]?.delta.content;
          if (c) yield c;
        }
      },
    };
  }

  /**
   * A hand-written iterator rather than an async generator: chunks decoded from one network read are
   * queued and handed out as already-resolved promises, so the per-chunk cost is one microtask, not a
   * generator round trip (the benchmark's per-event figure).
   */
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.started) throw new LlmError("this stream has already been iterated; iterate it once, or use finalChatCompletion()");
    this.started = true;
    const { attempt, response } = this.init;
    const normalizer = new ChunkNormalizer(this.init.hooks, this.init.thinkTags, this.init.model);
    const decoder = new SseDecoder();
    const reader = response.body!.getReader();
    const queue: ChatCompletionChunk[] = [];
    let head = 0;
    let state: "open" | "done" | "closed" = "open";
    let failure: LlmError | undefined;
    attempt.watchIdle(this.init.idleTimeout);

    /** Decode events into the queue; true at the `[DONE]` sentinel. An error is kept until the queue drains. */
    const take = (events: SseEvent[]): boolean => {
      for (let i = 0; i < events.length; i++) {
        const chunk = this.handle(events[i]!, normalizer);
        if (chunk === null) return true;
        if (chunk) {
          this.acc.add(chunk);
          queue.push(chunk);
        }
      }
      return false;
    };
    const finish = () => {
      state = "done";
      attempt.cleanup();
      const tail = normalizer.flush();
      if (tail) {
        this.acc.add(tail);
        queue.push(tail);
      }
      const synthesised: LlmWarning[] = [];
      const final = this.acc.finish(synthesised);
      for (const w of synthesised) this.init.warn(w);
      if (this.warnings.length) final.warnings = this.warnings;
      else delete final.warnings;
      this.settle.resolve(final);
    };
    const fail = (e: unknown) => {
      state = "closed";
      attempt.cleanup();
      reader.cancel().catch(() => {});
      failure = this.wrap(e);
      this.settle.reject(failure);
    };
    const fill = async (): Promise<IteratorResult<ChatCompletionChunk>> => {
      queue.length = 0;
      head = 0;
      try {
        while (state === "open" && queue.length === 0) {
          const { done, value } = await reader.read();
          if (done) {
            // S4: the body may end without [DONE] or even a final blank line.
            take(decoder.end());
            finish();
          } else {
            attempt.touch();
            if (take(decoder.push(value))) {
              finish();
              // Nothing useful follows [DONE]; release the connection.
              reader.cancel().catch(() => {});
            }
          }
        }
      } catch (e) {
        fail(e);
      }
      return next();
    };
    const next = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      if (head < queue.length) return Promise.resolve({ value: queue[head++]!, done: false });
      if (failure) {
        const f = failure;
        failure = undefined;
        return Promise.reject(f);
      }
      if (state !== "open") return Promise.resolve({ value: undefined, done: true });
      return fill();
    };
    const close = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      if (state === "open") {
        // The caller broke out of the loop: close the connection.
        state = "closed";
        attempt.cleanup();
        reader.cancel().catch(() => {});
        this.settle.reject(new AbortError(`${this.init.provider}: the stream was closed before it finished`, { provider: this.init.provider, partial: this.acc.snapshot() }));
      }
      queue.length = head = 0;
      return Promise.resolve({ value: undefined, done: true });
    };
    return { next, return: close, throw: (e) => (close(), Promise.reject(e)) };
  }

  /** One SSE event → a normalised chunk, `undefined` to skip, or `null` for the `[DONE]` sentinel. */
  private handle(ev: SseEvent, normalizer: ChunkNormalizer): ChatCompletionChunk | undefined | null {
    const data = ev.data;
    if (data === "[DONE]") return null;
    if (ev.event === "error") this.fail(data, undefined); // S5: vLLM/SGLang `event: error` frames
    if (data === "") return undefined;
    let json: any;
    try {
      json = JSON.parse(data);
    } catch {
      // Not JSON: a proxy's stray line. Don't kill the generation, don't drop it silently either.
      this.init.warn({ type: "unparseable-event", message: `skipped a stream event that is not JSON: ${redact(data.slice(0, 200), this.init.apiKey)}` });
      return undefined;
    }
    if (json === null || typeof json !== "object") return undefined;
    // S5: an error object after HTTP 200 (OpenRouter, vLLM, SGLang).
    if (json.error != null && !Array.isArray(json.choices)) this.fail(data, json);
    try {
      return normalizer.push(json);
    } catch (e) {
      if (e instanceof ChunkErrorSignal) this.fail(data, e.chunk);
      throw e;
    }
  }

  private fail(data: string, json: unknown): never {
    if (json === undefined) {
      try {
        json = JSON.parse(data);
      } catch {
        json = data;
      }
    }
    const f = errorFields(json);
    throw new StreamError(`${this.init.provider}: the stream reported an error: ${redact(f.message || "(no message)", this.init.apiKey)}`, {
      provider: this.init.provider, code: f.code, type: f.type, requestId: this.init.requestId,
      body: redact(data.slice(0, 2000), this.init.apiKey), partial: this.acc.snapshot(),
    });
  }

  private wrap(e: unknown): LlmError {
    const partial = this.acc.snapshot();
    if (e instanceof LlmError) {
      e.partial ??= partial;
      return e;
    }
    const err = this.init.attempt.error(e, "the stream");
    err.partial = partial;
    // The connection died mid-body: that is a broken stream, not a failed connect.
    if (!(err instanceof AbortError) && !(err instanceof TimeoutError)) {
      return new StreamError(`${this.init.provider}: the connection broke mid-stream: ${err.message.replace(/^[^:]*: /, "")}`, {
        provider: this.init.provider, requestId: this.init.requestId, partial, cause: e,
      });
    }
    return err;
  }
}
