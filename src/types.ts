/**
 * OpenAI Chat Completions shapes, written lean: only what callers touch.
 * What comes back from servers is open (`[key: string]: unknown`): servers add fields of their own
 * and we pass them through untouched. What callers send is closed: a misspelled parameter fails to
 * compile; anything a server takes beyond the known fields goes in `extra_body`.
 */

/** Text. */
export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
}
/** An image by URL or `data:` URL. */
export interface ChatCompletionContentPartImage {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}
/** Audio, base64-encoded. */
export interface ChatCompletionContentPartInputAudio {
  type: "input_audio";
  input_audio: { data: string; format: "wav" | "mp3" };
}
/** A file, by id or inline. */
export interface ChatCompletionContentPartFile {
  type: "file";
  file: { file_id?: string; file_data?: string; filename?: string };
}
/** A video by URL (vLLM and Qwen-VL servers). */
export interface ChatCompletionContentPartVideo {
  type: "video_url";
  video_url: { url: string };
}

/** A part of a multi-part message; narrows on `type` (`if (p.type === "text") p.text`). */
export type ChatCompletionContentPart =
  | ChatCompletionContentPartText
  | ChatCompletionContentPartImage
  | ChatCompletionContentPartInputAudio
  | ChatCompletionContentPartFile
  | ChatCompletionContentPartVideo;

/** A tool call as it appears in an assistant message. `arguments` is always a JSON string. */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

export interface ChatCompletionSystemMessageParam {
  role: "system";
  content: string | ChatCompletionContentPart[];
  name?: string;
}
export interface ChatCompletionDeveloperMessageParam {
  role: "developer";
  content: string | ChatCompletionContentPart[];
  name?: string;
}
export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | ChatCompletionContentPart[];
  name?: string;
}
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  content?: string | ChatCompletionContentPart[] | null;
  /** Round-tripped to presets that require it (DeepSeek thinking + tools), stripped for the others. */
  reasoning_content?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
  refusal?: string | null;
  name?: string;
}
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | ChatCompletionContentPart[];
  tool_call_id: string;
}

/** Any message a caller may send. */
export type ChatCompletionMessageParam =
  | ChatCompletionSystemMessageParam
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface ChatCompletionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type ChatCompletionToolChoiceOption =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

/**
 * Parameters of `chat.completions.create`: OpenAI's, plus the vendor extensions the presets know.
 * `model` falls back to the client's default. Closed: a misspelled key fails to compile; send anything
 * else with `extra_body`.
 */
export interface ChatCompletionCreateParams {
  messages: ChatCompletionMessageParam[];
  model?: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  user?: string;
  tools?: ChatCompletionTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  reasoning_effort?: "minimal" | "low" | "medium" | "high" | (string & {}) | null;
  store?: boolean | null;
  metadata?: Record<string, string> | null;
  service_tier?: string | null;
  modalities?: ("text" | "audio")[] | null;
  prediction?: { type: "content"; content: string | ChatCompletionContentPartText[] } | null;
  verbosity?: "low" | "medium" | "high" | null;
  prompt_cache_key?: string;
  safety_identifier?: string;

  // Sampling extensions of open-model servers (vLLM, llama.cpp, LM Studio, Together, Fireworks, OpenRouter).
  top_k?: number | null;
  min_p?: number | null;
  repetition_penalty?: number | null;
  /** vLLM / llama.cpp: variables for the chat template, e.g. `{ enable_thinking: false }` for Qwen 3. */
  chat_template_kwargs?: Record<string, unknown>;
  /** Ollama: model options (`num_ctx`, `num_predict`, …) where the server reads them. */
  options?: Record<string, unknown>;
  /** Ollama: how long the model stays loaded after the request (`"5m"`, seconds, `-1`). */
  keep_alive?: string | number;
  /** OpenRouter: provider routing preferences. */
  provider?: Record<string, unknown>;
  /** OpenRouter: fallback models. */
  models?: string[];
  /** OpenRouter: reasoning settings (`{ effort, max_tokens, exclude }`). */
  reasoning?: Record<string, unknown>;
  /** Groq: `parsed`, `raw` or `hidden` reasoning. */
  reasoning_format?: "parsed" | "raw" | "hidden" | (string & {});
  /** Mistral: prepend its safety prompt. */
  safe_prompt?: boolean;

  /** mimir-llm: repair the history before sending it (see `repairMessages`); warnings say what changed. */
  repairHistory?: boolean;
  /** mimir-llm: force a structured-output strategy for this request (see `parse()`). */
  structuredOutput?: "json_schema" | "json_object" | "prompt";
  /** Anything else the server takes: merged into the request body as is. */
  extra_body?: Record<string, unknown>;
}

export type ChatCompletionCreateParamsStreaming = ChatCompletionCreateParams & { stream: true };
export type ChatCompletionCreateParamsNonStreaming = ChatCompletionCreateParams & { stream?: false | null };

/** OpenAI's finish reasons; vendor values are mapped into this set (the raw value is kept in `raw_finish_reason`). */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** The assistant's message in a non-streamed completion. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  /** The model's reasoning, whatever field or inline `<think>` tag the server used. Present when there was any. */
  reasoning_content?: string;
  tool_calls?: ChatCompletionMessageToolCall[];
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: FinishReason | null;
  /** The server's own finish reason, when it differed from the normalised one. */
  raw_finish_reason?: string;
  logprobs?: unknown;
  [key: string]: unknown;
}

/** A whole chat completion. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage;
  system_fingerprint?: string | null;
  /** What mimir-llm changed in the request or response on the caller's behalf (dropped params, synthesised finish reason…). */
  warnings?: LlmWarning[];
  [key: string]: unknown;
}

/** A tool-call fragment in a stream delta. After normalisation `index` is always set. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

export interface ChatCompletionChunkDelta {
  role?: "assistant";
  content?: string | null;
  reasoning_content?: string;
  tool_calls?: ChatCompletionChunkToolCall[];
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  finish_reason: FinishReason | null;
  raw_finish_reason?: string;
  logprobs?: unknown;
  [key: string]: unknown;
}

/** One streamed chunk. `choices` is always an array (possibly empty, e.g. the final usage chunk). */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

export interface EmbeddingCreateParams {
  input: string | string[] | number[] | number[][];
  model?: string;
  dimensions?: number;
  /** Always sent as `float` unless you ask otherwise; base64 answers are decoded either way. */
  encoding_format?: "float" | "base64";
  user?: string;
  [key: string]: unknown;
}

export interface Embedding {
  object: "embedding";
  index: number;
  embedding: number[];
  [key: string]: unknown;
}

export interface CreateEmbeddingResponse {
  object: "list";
  data: Embedding[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number; [key: string]: unknown };
  warnings?: LlmWarning[];
  [key: string]: unknown;
}

export interface Model {
  id: string;
  object: "model";
  created?: number;
  owned_by?: string;
  [key: string]: unknown;
}

/** The kinds of `LlmWarning`. */
export type LlmWarningType =
  | "param-dropped"
  | "param-renamed"
  | "param-mapped"
  | "role-mapped"
  | "finish-reason-synthesised"
  | "tool-call-id-rewritten"
  | "unparseable-event"
  | "structured-output-strategy"
  | "structured-output-extracted"
  | "structured-output-repaired"
  | "structured-output-invalid"
  | "schema-made-strict"
  | "history-repaired";

/** A change mimir-llm made on the caller's behalf, reported rather than done silently. */
export interface LlmWarning {
  type: LlmWarningType;
  /** The request parameter concerned, when there is one. */
  param?: string;
  message: string;
}
