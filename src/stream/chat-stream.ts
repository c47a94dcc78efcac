import { errorFields } from "../core/error-map.js";
import { parseJson, safeStringify } from "../core/json.js";
import { redact, scrubError } from "../core/redact.js";
import { AbortError, InvalidResponseError, LlmError, StreamError, TimeoutError } from "../errors.js";
import type { Attempt } from "../http/attempt.js";
import { rateLimitInfo, type RateLimitInfo } from "../http/rate-limit-info.js";
import { tooLarge } from "../http/read-body.js";
import type { ProviderHooks } from "../providers/preset.js";
import type { ChatCompletion, ChatCompletionChunk, LlmWarning } from "../types.js";
import { ChatCompletionAccumulator } from "./accumulate.js";
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
  maxStreamSize: number;
  maxEventSize: number;
  warnings: LlmWarning[];
  warn: (w: LlmWarning) => void;
}

// Content types that are plainly not an event stream nor JSON: a proxy's error page, a captive portal.
const NOT_A_STREAM = /^\s*(text\/html|application\/xhtml|text\/xml|application\/xml|image\/|audio\/|video\/|application\/pdf)/i;

/** The first bytes of a body, for evidence in an error; the rest is not read. */
async function snippet(response: Response, max = 2000): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // Whatever arrived is the evidence.
  }
  reader.cancel().catch(() => {});
  return text.slice(0, max);
}

/**
 * Check that a 200 answer to a `stream: true` request can be a stream: it has a body, and its content
 * type is not plainly something else (an HTML page from a proxy). Throws `InvalidResponseError` with a
 * snippet of what came, before any chunk is handed out.
 */
export async function checkStreamResponse(response: Response, provider: string, apiKey: string | undefined, requestId: string | undefined): Promise<void> {
  const type = response.headers.get("content-type") ?? "";
  if (response.body && !NOT_A_STREAM.test(type)) return;
  const body = redact(await snippet(response), apiKey);
  throw new InvalidResponseError(`${provider}: asked for a stream, got ${response.body ? `a ${type.split(";")[0]} body` : "no body"} (status ${response.status})${body ? `: ${body.replace(/\s+/g, " ").slice(0, 200)}` : ""}`, {
    provider, status: response.status, requestId, body,
  });
}

const looksLikeJson = (data: string) => {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 123 || c === 91) return true; // { [
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
};

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
  private readonly acc: ChatCompletionAccumulator;
  private started = false;
  private result: Promise<ChatCompletion>;
  private settle!: { resolve(c: ChatCompletion): void; reject(e: unknown): void };

  constructor(init: ChatStreamInit) {
    this.init = init;
    this.response = init.response;
    this.requestId = init.requestId;
    this.warnings = init.warnings;
    this.acc = new ChatCompletionAccumulator({ hooks: init.hooks, thinkTags: init.thinkTags, model: init.model, provider: init.provider });
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may ever ask for the final completion; don't let its rejection go unhandled.
    this.result.catch(() => {});
  }

  /** What the server's rate-limit headers said about this request. */
  get rateLimit(): RateLimitInfo {
    return rateLimitInfo(this.response.headers);
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
    const { attempt, response, provider, maxStreamSize } = this.init;
    const decoder = new SseDecoder({ maxEventSize: this.init.maxEventSize, tooLarge: (limit) => tooLarge(provider, "event", limit, "a stream line or event") });
    // Some servers ignore `stream: true` and answer one JSON completion: read it whole, as one event.
    const jsonBody = /^application\/json/i.test(response.headers.get("content-type") ?? "");
    let jsonText = "";
    const text = jsonBody ? new TextDecoder() : undefined;
    const reader = response.body!.getReader();
    let events: SseEvent[] = [];
    let at = 0;
    let bytes = 0;
    /** Events understood ([DONE] included): a stream that ends with none delivered nothing at all. */
    let seen = 0;
    /** The body has ended (or [DONE] came): no more reads. */
    let bodyDone = false;
    let state: "open" | "done" | "closed" = "open";
    attempt.watchIdle(this.init.idleTimeout);
    const DONE: IteratorResult<ChatCompletionChunk> = { value: undefined, done: true };

    const finish = (): IteratorResult<ChatCompletionChunk> => {
      if (seen === 0) throw this.nothingCame(text ? jsonText : decoder.head);
      state = "done";
      attempt.cleanup();
      const tail = this.acc.flush();
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
        const last = bodyDone && at === events.length - 1;
        const chunk = this.handle(events[at++]!, last && (text !== undefined || decoder.cutOff));
        if (chunk === null) {
          // [DONE]: nothing useful follows; release the connection.
          seen++;
          bodyDone = true;
          events = [];
          reader.cancel().catch(() => {});
          return finish();
        }
        if (chunk) {
          seen++;
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
            if (text) {
              jsonText += text.decode();
              events = jsonText === "" ? [] : [{ event: undefined, data: jsonText }];
            } else events = decoder.end();
          } else {
            attempt.touch();
            bytes += value.byteLength;
            if (bytes > maxStreamSize) throw tooLarge(provider, "stream", maxStreamSize, "the stream");
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
      try {
        const r = fromBuffer();
        if (r) return Promise.resolve(r);
        return bodyDone ? Promise.resolve(finish()) : read();
      } catch (e) {
        return fail(e);
      }
    };
    const close = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      if (state === "open") {
        // The caller broke out of the loop: close the connection.
        state = "closed";
        attempt.cleanup();
        reader.cancel().catch(() => {});
        this.settle.reject(new AbortError(`${provider}: the stream was closed before it finished`, { provider, partial: this.acc.snapshot() }));
      }
      events = [];
      return Promise.resolve(DONE);
    };
    return { next, return: close, throw: (e) => (close(), Promise.reject(e)) };
  }

  /**
   * One SSE event → a normalised chunk, `undefined` to skip, or `null` for the `[DONE]` sentinel.
   * `cutOff`: this is the last event and the body ended in the middle of it.
   */
  private handle(ev: SseEvent, cutOff: boolean): ChatCompletionChunk | undefined | null {
    const data = ev.data;
    if (data === "[DONE]") return null;
    if (ev.event === "error") this.fail(data, undefined); // S5: vLLM/SGLang `event: error` frames
    if (data === "") return undefined;
    let json: any;
    try {
      json = parseJson(data);
    } catch {
      const evidence = redact(data.slice(0, 2000), this.init.apiKey);
      // The body ended inside this event: the generation was cut off, not finished.
      if (cutOff) throw new StreamError(`${this.init.provider}: the stream ended in the middle of an event (the connection was cut): ${evidence.slice(0, 200)}`, { provider: this.init.provider, requestId: this.init.requestId, body: evidence });
      // A chunk that cannot be read would leave a hole in the text: fail rather than return output with a gap.
      if (looksLikeJson(data)) throw new InvalidResponseError(`${this.init.provider}: a stream event is not valid JSON: ${evidence.slice(0, 200)}`, { provider: this.init.provider, requestId: this.init.requestId, body: evidence });
      // Not JSON at all: a proxy's stray line. Don't kill the generation, don't drop it silently either.
      this.init.warn({ type: "unparseable-event", message: `skipped a stream event that is not JSON: ${evidence.slice(0, 200)}` });
      return undefined;
    }
    if (json === null || typeof json !== "object") return undefined;
    // S5: an error object after HTTP 200 (OpenRouter, vLLM, SGLang).
    if (json.error != null && !Array.isArray(json.choices)) this.fail(data, json);
    let chunk: ChatCompletionChunk;
    try {
      chunk = this.acc.add(json);
    } catch (e) {
      if (e instanceof LlmError && e.body === undefined) e.body = redact(data.slice(0, 2000), this.init.apiKey);
      throw e;
    }
    if (this.acc.failure) this.fail(data, this.acc.failure);
    return chunk;
  }

  /** The stream ended having delivered no event at all: whatever it was, it was not an answer. */
  private nothingCame(head: string): InvalidResponseError {
    const body = redact(head.slice(0, 2000), this.init.apiKey);
    const what = body.trim() ? `no event, only: ${body.replace(/\s+/g, " ").slice(0, 200)}` : "an empty body";
    return new InvalidResponseError(`${this.init.provider}: the stream delivered ${what} (status ${this.response.status}, content-type ${this.response.headers.get("content-type") ?? "none"})`, {
      provider: this.init.provider, status: this.response.status, requestId: this.init.requestId, body,
    });
  }

  private fail(data: string, json: unknown): never {
    if (json === undefined) {
      try {
        json = parseJson(data);
      } catch {
        json = data;
      }
    }
    const f = errorFields(json);
    throw new StreamError(`${this.init.provider}: the stream reported an error: ${f.message || "(no message)"}`, {
      provider: this.init.provider, code: f.code, type: f.type, requestId: this.init.requestId,
      body: safeStringify(data), partial: this.acc.snapshot(),
    });
  }

  private wrap(e: unknown): LlmError {
    const partial = this.acc.snapshot();
    const { provider, requestId, apiKey } = this.init;
    if (e instanceof LlmError) {
      e.partial ??= partial;
      e.requestId ??= requestId;
      return scrubError(e, apiKey);
    }
    const err = this.init.attempt.error(e, "the stream");
    err.partial = partial;
    // The connection died mid-body: that is a broken stream, not a failed connect.
    if (!(err instanceof AbortError) && !(err instanceof TimeoutError)) {
      return scrubError(new StreamError(`${provider}: the connection broke mid-stream: ${err.message.replace(/^[^:]*: /, "")}`, { provider, requestId, partial, cause: e }), apiKey);
    }
    return scrubError(err, apiKey);
  }
}
