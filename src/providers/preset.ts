import type { LlmError } from "../errors.js";
import type { LlmWarning, Model } from "../types.js";

/** How a server is asked for JSON of a given shape (see `parse()`). */
export type StructuredOutputStrategy = "json_schema" | "json_object" | "prompt";

/** What a preset declares the server can take. Anything left out takes the default in brackets. */
export interface ProviderCapabilities {
  /** C6: send `stream_options: { include_usage: true }` on streams so usage is always filled [true]. */
  streamUsage?: boolean;
  /** Q2: the name this server wants for the output-token limit [`max_tokens`]. */
  maxTokensParam?: "max_tokens" | "max_completion_tokens";
  /** Q5: the server accepts the `developer` role; otherwise it is sent as `system` [false]. */
  developerRole?: boolean;
  /** Q4: the server accepts `response_format: {type: "json_object"}`; otherwise it becomes a permissive `json_schema` [true]. */
  jsonObject?: boolean;
  /** Q3: parameters the server rejects; dropped with a warning. */
  unsupportedParams?: readonly string[];
  /** Q6: what an assistant tool-call turn with no text carries: `""` (Ollama rejects null), `null` (Bedrock-backed servers reject "") or as given [`keep`]. */
  toolCallTurnContent?: "empty-string" | "null" | "keep";
  /** R4: send an assistant message's `reasoning_content` back (DeepSeek thinking + tools); otherwise it is stripped [false]. */
  reasoningRoundTrip?: boolean;
  /** R3: split a leading `<think>…</think>` out of the content into `reasoning_content` [false]. */
  thinkTags?: boolean;
  /**
   * The best way this server takes a schema for structured output: `json_schema` (constrained decoding),
   * `json_object` (JSON mode; the schema goes in the system message) or `prompt` (the system message only)
   * [`json_schema`]. A function decides per model (Groq takes json_schema on some models only). A 400
   * naming `response_format` lowers it for the client's lifetime.
   */
  structuredOutput?: StructuredOutputStrategy | ((model: string) => StructuredOutputStrategy);
  /** `parse()` asks for `strict: true` json_schema (every property required, no extra properties) [false]. */
  strictJsonSchema?: boolean;
  /** History repair: the server takes system messages after the first turn (elsewhere they are merged into the first) [false]. */
  systemAnywhere?: boolean;
  /** History repair: tool results must be followed by an assistant turn before a user turn (Mistral) [false]. */
  assistantAfterToolResults?: boolean;
}

/** Passed to a preset's `adaptRequest` hook. */
export interface AdaptContext {
  /** Record a change made to the request, so the caller can read it. */
  warn(warning: LlmWarning): void;
}

/** Small pure functions that the one request path calls at fixed points. Each is optional. */
export interface ProviderHooks {
  /** Request quirks beyond the capability flags: mutate the outgoing JSON body (already a copy). */
  adaptRequest?(body: Record<string, unknown>, ctx: AdaptContext): void;
  /**
   * Mutate one freshly parsed chunk (a stream chunk, or a whole non-stream response, whose choices
   * carry `message` instead of `delta`) before generic normalisation: for vendor fields that would be
   * wrong to read on other servers. Anything unambiguous belongs in the generic normaliser instead.
   */
  normalizeChunk?(chunk: Record<string, any>): void;
  /** Turn a model-list entry into our `Model` (e.g. Gemini's `models/` prefix). */
  normalizeModel?(model: Model): Model;
  /** Classify an error the generic mapping would get wrong; return undefined to use the generic mapping. */
  classifyError?(info: ErrorInfo): LlmError | undefined;
}

/** What the error mapping knows of a failed response. */
export interface ErrorInfo {
  status: number;
  message: string;
  code?: string;
  type?: string;
  param?: string;
  /** The parsed JSON body, when it was JSON. */
  json?: unknown;
  /** The trimmed, redacted raw body. */
  body: string;
  headers?: Headers;
  model?: string;
  provider: string;
}

/**
 * A provider preset: plain data plus a few tiny hooks. Adding a provider is adding one of these.
 *
 * @example
 * const myServer = defineProvider({ id: "my-server", baseURL: "http://gpu-box:9000/v1", keyRequired: false, defaultModel: "qwen3" });
 * const llm = createClient({ provider: myServer });
 */
export interface ProviderPreset {
  /** Short id used in `createClient({ provider })`. */
  id: string;
  /** Human name for tables and messages. */
  name?: string;
  /** The OpenAI-compatible base URL, ending before `/chat/completions`. */
  baseURL: string;
  /** Where to read the base URL from the environment when set (Ollama: `OLLAMA_HOST`). */
  baseURLEnv?: string;
  /** The environment variable holding the API key. */
  apiKeyEnv?: string;
  /** Hosted services need a key; local servers do not (Q7: then no `Authorization` header is sent). */
  keyRequired: boolean;
  /** Said when the server refuses the connection, e.g. how to start it (Ollama: "start it with `ollama serve`"). */
  connectionHint?: string;
  /** Model used when a request names none. */
  defaultModel?: string;
  /** Model used by `embeddings.create` when none is named. */
  defaultEmbeddingModel?: string;
  capabilities?: ProviderCapabilities;
  hooks?: ProviderHooks;
  /** Quirk ids this preset handles specially, as defined in the package's `docs/compatibility.md` (documentation). */
  quirks?: readonly string[];
}

/**
 * Declare a provider preset of your own. It is validated when a client is created from it.
 *
 * @example
 * const box = defineProvider({ id: "box", baseURL: "http://10.0.0.5:8000/v1", keyRequired: false, capabilities: { thinkTags: true } });
 */
export function defineProvider<const P extends ProviderPreset>(preset: P): P {
  return preset;
}
