import type { ChatCompletion, ChatCompletionMessageParam } from "./types.js";

/** What every mimir-llm error may carry. */
export interface LlmErrorOptions {
  status?: number;
  provider?: string;
  /** The model the request asked for. */
  model?: string;
  code?: string;
  type?: string;
  param?: string;
  requestId?: string;
  /** A trimmed snippet of the raw response body (secrets redacted). */
  body?: string;
  /** For streams that broke mid-way: what had been received. */
  partial?: ChatCompletion;
  /** The URL requested (never with a key). */
  url?: string;
  /** How many attempts were made before giving up (1 when nothing was retried). */
  attempts?: number;
  cause?: unknown;
}

/**
 * The base of every error mimir-llm throws. Every string it exposes (its message, fields, `cause`
 * and `partial`) has had the API key and key-like tokens redacted.
 *
 * @example
 * try { await llm.complete("hi"); }
 * catch (e) { if (e instanceof LlmError) console.error(e.status, e.provider, e.message); }
 */
export class LlmError extends Error {
  override name = "LlmError";
  declare status?: number;
  declare provider?: string;
  declare model?: string;
  declare code?: string;
  declare type?: string;
  declare param?: string;
  declare requestId?: string;
  declare body?: string;
  declare partial?: ChatCompletion;
  declare url?: string;
  declare attempts?: number;

  constructor(message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const { cause: _c, ...rest } = options;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (this as Record<string, unknown>)[k] = v;
  }
}

/** 401: the key is missing, wrong or revoked. */
export class AuthenticationError extends LlmError { override name = "AuthenticationError"; }
/** 403: the key is valid but may not do this. */
export class PermissionDeniedError extends LlmError { override name = "PermissionDeniedError"; }
/** 404, or a 400 saying the model does not exist. `model` is set only when the error is about the model. */
export class NotFoundError extends LlmError { override name = "NotFoundError"; }
/** 409. */
export class ConflictError extends LlmError { override name = "ConflictError"; }
/** 429 (after retries). `retryAfterMs` is the server's hint when it gave one. */
export class RateLimitError extends LlmError {
  override name = "RateLimitError";
  declare retryAfterMs?: number;
}
/** Out of credits or quota (`insufficient_quota`, billing, 402). Never retried. */
export class QuotaExceededError extends LlmError { override name = "QuotaExceededError"; }
/** The prompt (plus max tokens) is longer than the model's context. */
export class ContextLengthError extends LlmError { override name = "ContextLengthError"; }
/** 400/413/422: the request was rejected. */
export class BadRequestError extends LlmError {
  override name = "BadRequestError";
  /** Groq `tool_use_failed`: the generation the server could not parse as a tool call. */
  declare failedGeneration?: string;
}
/** 5xx (after retries). */
export class ServerError extends LlmError { override name = "ServerError"; }
/** The server could not be reached, or the connection broke before a response. */
export class ConnectionError extends LlmError { override name = "ConnectionError"; }
/** A timeout fired: `kind` is `total` (per attempt), `idle` (silence between stream chunks) or `server` (408). */
export class TimeoutError extends LlmError {
  override name = "TimeoutError";
  kind: "total" | "idle" | "server" = "total";
}
/** The caller's `AbortSignal` fired. From a tool loop, `messages` holds the history so far. */
export class AbortError extends LlmError {
  override name = "AbortError";
  declare messages?: ChatCompletionMessageParam[];
}
/** A tool loop reached `maxSteps` with `onMaxSteps: "throw"`. `messages` holds the history so far. */
export class MaxStepsError extends LlmError {
  override name = "MaxStepsError";
  declare messages?: ChatCompletionMessageParam[];
}
/** A stream broke after it started: an error frame after HTTP 200, or the connection died. `partial` holds what arrived. */
export class StreamError extends LlmError { override name = "StreamError"; }
/**
 * The server answered something that cannot be understood as the expected shape: not JSON, not an
 * event stream, a chunk that cannot be normalised. `body` holds a snippet of what came.
 */
export class InvalidResponseError extends LlmError { override name = "InvalidResponseError"; }
/**
 * A response, or one line or event of a stream, larger than the client's `limits` allow
 * (`maxBodySize`, `maxStreamSize`, `maxEventSize`). `limit` is the limit that was exceeded, in bytes (characters for events).
 */
export class ResponseTooLargeError extends InvalidResponseError {
  override name = "ResponseTooLargeError";
  limit = 0;
  what: "body" | "stream" | "event" = "body";
}
/** A problem found validating a value: where (`path`, property names and array indices) and what. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Tool-call arguments that are not valid JSON, or (with a tool's schema) do not validate
 * (see `parseToolArguments`). `raw` holds them; `issues` what was wrong.
 */
export class ToolArgumentsError extends LlmError {
  override name = "ToolArgumentsError";
  raw = "";
  issues: ValidationIssue[] = [];
}
/**
 * `parse()` could not get a valid value: the model's last reply (`raw`) still did not match the schema
 * after the repairs allowed. `issues` says what was wrong, `attempts` how many model calls were made,
 * `completion` is the last completion.
 */
export class StructuredOutputError extends LlmError {
  override name = "StructuredOutputError";
  raw = "";
  issues: ValidationIssue[] = [];
  declare completion?: ChatCompletion;
}
/** Bad client configuration or request options: says what to do. */
export class ConfigError extends LlmError { override name = "ConfigError"; }
