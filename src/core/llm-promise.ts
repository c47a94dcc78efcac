import { rateLimitInfo, type RateLimitInfo } from "../http/rate-limit-info.js";

/** The HTTP side of a call's answer. */
export interface ResponseMeta {
  /** The HTTP response (its body already consumed, except a stream's). */
  response: Response;
  /** The server's request id, when it sent one. */
  requestId: string | undefined;
  /** What the server's rate-limit headers said. */
  rateLimit: RateLimitInfo;
}

/** What a request method resolves internally: its result and the response it came in. */
export interface Answer<T> {
  data: T;
  response: Response;
  requestId: string | undefined;
}

/**
 * The promise every request method returns: await it for the result, or call `withResponse()` for
 * the result together with the HTTP response, request id and rate-limit headers (as in the `openai` SDK).
 *
 * @example
 * const { data, requestId, rateLimit } = await llm.chat.completions.create({ messages }).withResponse();
 */
export interface LlmPromise<T> extends Promise<T> {
  /** The result with the HTTP response, request id and rate-limit headers. */
  withResponse(): Promise<{ data: T } & ResponseMeta>;
}

/** The `LlmPromise` implementation: the request runs once; `then` and `withResponse` read the same answer. */
export class ResponsePromise<T> extends Promise<T> implements LlmPromise<T> {
  private readonly inner: Promise<Answer<T>>;
  private data: Promise<T> | undefined;

  private constructor(inner: Promise<Answer<T>>) {
    // The base promise is a placeholder: every way of reading this one goes through `then` below.
    super((resolve) => resolve(undefined as T));
    this.inner = inner;
    // Read through `then` or `withResponse`, whichever the caller uses; a rejection is theirs to handle there.
    inner.catch(() => {});
  }

  /** Wrap a call that resolves with its data and its response. */
  static from<T>(inner: Promise<Answer<T>>): ResponsePromise<T> {
    return new ResponsePromise(inner);
  }

  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.data ??= this.inner.then((r) => r.data);
    return this.data.then(onFulfilled, onRejected);
  }

  override catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onFinally);
  }

  /** The result with the HTTP response, request id and rate-limit headers. */
  withResponse(): Promise<{ data: T } & ResponseMeta> {
    return this.inner.then(({ data, response, requestId }) => ({ data, response, requestId, rateLimit: rateLimitInfo(response.headers) }));
  }
}
