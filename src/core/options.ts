import type { LlmError } from "../errors.js";
import type { RateLimitOptions } from "../http/rate-limiter.js";
import type { PresetId } from "../providers/index.js";
import type { ProviderPreset } from "../providers/preset.js";
import type { ChatCompletionCreateParams, LlmWarning } from "../types.js";

/** The `fetch` signature mimir-llm needs; pass your own (a proxy agent, a test double of a server) via `fetch`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What `onRetry` is told before each retry. */
export interface RetryInfo {
  /** The attempt about to start: 2 for the first retry. */
  attempt: number;
  /** Attempts allowed in all (`maxRetries + 1`). */
  maxAttempts: number;
  /** How long the client waits before it, in ms (the server's hint, else backoff). */
  delayMs: number;
  /** Why: the failure of the attempt before. */
  error: LlmError;
  method: string;
  /** The URL requested (never with a key). */
  url: string;
}

/** How much the client logs: each level includes the ones after it. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Where log lines go; `console` fits. Lines never contain the API key. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Size limits on what a server may send; beyond them the call fails with `ResponseTooLargeError`. */
export interface ResponseLimits {
  /** Bytes of one response body: a non-streamed answer or an error body [128 MiB]. */
  maxBodySize?: number;
  /**
   * Bytes of a whole stream [2 GiB]. Generous on purpose: a stream repeats its envelope (id, model,
   * created…) in every chunk, so its bytes run 30–40× its text.
   */
  maxStreamSize?: number;
  /** Characters of one stream line or event (a single chunk) [16 MiB]. */
  maxEventSize?: number;
}

/**
 * Options of `createClient`.
 *
 * @example
 * const llm = createClient({ provider: "groq", model: "llama-3.3-70b-versatile", maxRetries: 3 });
 */
export interface ClientOptions {
  /** A preset id (`"ollama"`, `"groq"`, …) or a preset object from `defineProvider`. Omit it and give `baseURL` for any OpenAI-compatible server. */
  provider?: PresetId | ProviderPreset;
  /** Defaults to the preset's environment variable (e.g. `GROQ_API_KEY`). Never required for local presets. */
  apiKey?: string;
  /** Overrides the preset's base URL (the part before `/chat/completions`). When given, the preset's base-URL variable (`OLLAMA_HOST`) is not read. */
  baseURL?: string;
  /** Default chat model; falls back to the preset's. */
  model?: string;
  /** Default embedding model; falls back to the preset's. */
  embeddingModel?: string;
  /** Retries after a retryable failure (408, 409, 429, 5xx, connection errors, timeouts) [2]. */
  maxRetries?: number;
  /** Total time allowed for one attempt, headers and body, in ms [600 000]. */
  timeout?: number;
  /** Longest silence allowed between stream chunks, in ms [60 000]. */
  idleTimeout?: number;
  /**
   * Default chat parameters, merged under every chat request's own (the request wins, key by key).
   * @example createClient({ provider: "groq", defaults: { temperature: 0.2, max_tokens: 512 } })
   */
  defaults?: Partial<Omit<ChatCompletionCreateParams, "messages" | "stream">>;
  /** Client-side rate limiting and the server-header gate. */
  rateLimit?: RateLimitOptions;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Split a leading `<think>…</think>` out of content into `reasoning_content` (R3) [the preset's choice]. */
  thinkTags?: boolean;
  /** Called for each change mimir-llm makes on your behalf (dropped or renamed params, synthesised finish reasons…). */
  onWarning?: (warning: LlmWarning) => void;
  /** Called before each retry: which attempt, after how long, and why. */
  onRetry?: (info: RetryInfo) => void;
  /** What to log [`silent`, or the `MIMIR_LLM_LOG` environment variable: `debug`, `info`, `warn`, `error`]. */
  logLevel?: LogLevel;
  /** Where to log [`console`]. */
  logger?: Logger;
  /** Size limits on responses, streams and stream events. */
  limits?: ResponseLimits;
  /** A custom `fetch`. */
  fetch?: FetchLike;
}

/**
 * Per-request options, all optional; they override the client's for this call.
 *
 * @example
 * await llm.chat.completions.create({ messages }, { signal: AbortSignal.timeout(5000), maxRetries: 0 });
 */
export interface RequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  idleTimeout?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
  onWarning?: (warning: LlmWarning) => void;
  onRetry?: (info: RetryInfo) => void;
}
