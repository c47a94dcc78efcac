import type { RateLimitOptions } from "../http/rate-limiter.js";
import type { ProviderPreset } from "../providers/preset.js";
import type { ChatCompletionCreateParams, LlmWarning } from "../types.js";

/** The `fetch` signature mimir-llm needs; pass your own (a proxy agent, a test double of a server) via `fetch`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Options of `createClient`.
 *
 * @example
 * const llm = createClient({ provider: "groq", model: "llama-3.3-70b-versatile", maxRetries: 3 });
 */
export interface ClientOptions {
  /** A preset id (`"ollama"`, `"groq"`, …) or a preset object from `defineProvider`. Omit it and give `baseURL` for any OpenAI-compatible server. */
  provider?: string | ProviderPreset;
  /** Defaults to the preset's environment variable (e.g. `GROQ_API_KEY`). Never required for local presets. */
  apiKey?: string;
  /** Overrides the preset's base URL (the part before `/chat/completions`). */
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
  /** Default chat parameters (temperature, max_tokens, …); each request's own win. */
  defaults?: Partial<Omit<ChatCompletionCreateParams, "messages" | "stream">>;
  /** Client-side rate limiting and the server-header gate. */
  rateLimit?: RateLimitOptions;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Split a leading `<think>…</think>` out of content into `reasoning_content` (R3) [the preset's choice]. */
  thinkTags?: boolean;
  /** Called for each change mimir-llm makes on your behalf (dropped or renamed params, synthesised finish reasons…). */
  onWarning?: (warning: LlmWarning) => void;
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
}
