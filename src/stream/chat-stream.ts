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
    this.init.attempt.abort();
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
   * A hand-written iterator rather than an async generator: events decoded from one network read
   * are parsed one at a time as the caller asks (so at most one parsed chunk per stream is alive:
   * the benchmark's memory figure) and handed out as already-resolved promises (one microtask per
   * chunk, not a generator round trip: the per-event figure).
   */
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.started) throw new LlmError("this stream has already been iterated; iterate it once, or use finalChatCompletion()");
    this.started = true;
    const { attempt, response } = this.init;
    const normalizer = new ChunkNormalizer(this.init.hooks, this.init.thinkTags, this.init.model);
    const decoder = new SseDecoder();
    // Some servers ignore `stream: true` and answer one JSON completion: read it whole, as one event.
    const jsonBody = /^application\/json/i.test(response.headers.get("content-type") ?? "");
    let jsonText = "";
    const text = jsonBody ? new TextDecoder() : undefined;
    const reader = response.body!.getReader();
    let events: SseEvent[] = [];
    let at = 0;
    /** The body has ended (or [DONE] came): no more reads. */
    let bodyDone = false;
    let state: "open" | "done" | "closed" = "open";
    attempt.watchIdle(this.init.idleTimeout);
    const DONE: IteratorResult<ChatCompletionChunk> = { value: undefined, done: true };

    const finish = (): IteratorResult<ChatCompletionChunk> => {
      state = "done";
      attempt.cleanup();
      const tail = normalizer.flush();
      if (tail) this.acc.add(tail);
      const synthesised: LlmWarning[] = [];
      const final = this.acc.finish(synthesised);
      for (const w of synthesised) this.init.warn(w);
      if (this.warnings.length) final.warnings = this.warnings;
      else delete final.warnings;
      this.settle.resolve(final);
      return tail ? { value: tail, done: false } : DONE;
    };
    const fail = (e: unknown): Promise<never> => {
      state = "closed";
      attempt.cleanup();
      reader.cancel().catch(() => {});
      const err = this.wrap(e);
      this.settle.reject(err);
      return Promise.reject(err);
    };
    /** The next chunk from events already read, or undefined when they are used up. */
    const fromBuffer = (): IteratorResult<ChatCompletionChunk> | undefined => {
      while (at < events.length) {
        const chunk = this.handle(events[at++]!, normalizer);
        if (chunk === null) {
          // [DONE]: nothing useful follows; release the connection.
          bodyDone = true;
          events = [];
          reader.cancel().catch(() => {});
          return finish();
        }
        if (chunk) {
          this.acc.add(chunk);
          return { value: chunk, done: false };
        }
      }
      return undefined;
    };
    const read = async (): Promise<IteratorResult<ChatCompletionChunk>> => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            bodyDone = true;
            // S4: the body may end without [DONE] or even a final blank line.
            events = text ? [{ event: undefined, data: jsonText + text.decode() }] : decoder.end();
          } else {
            attempt.touch();
            if (text) {
              jsonText += text.decode(value, { stream: true });
              continue;
            }
            events = decoder.push(value);
          }
          at = 0;
          const r = fromBuffer();
          if (r) return r;
          if (bodyDone) return state === "open" ? finish() : DONE;
        }
      } catch (e) {
        return fail(e);
      }
    };
    const next = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      if (state !== "open") return Promise.resolve(DONE);
      let r: IteratorResult<ChatCompletionChunk> | undefined;
      try {
        r = fromBuffer();
      } catch (e) {
        return fail(e);
      }
      if (r) return Promise.resolve(r);
      return bodyDone ? Promise.resolve(finish()) : read();
    };
    const close = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      if (state === "open") {
        // The caller broke out of the loop: close the connection.
        state = "closed";
        attempt.cleanup();
        reader.cancel().catch(() => {});
        this.settle.reject(new AbortError(`${this.init.provider}: the stream was closed before it finished`, { provider: this.init.provider, partial: this.acc.snapshot() }));
      }
      events = [];
      return Promise.resolve(DONE);
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
