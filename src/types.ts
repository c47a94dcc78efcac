/**
 * OpenAI Chat Completions shapes, written lean: only what callers touch.
 * Every object type is open (`[key: string]: unknown`) because servers add
 * fields of their own and we pass unknown fields through untouched.
 */

/** A part of a multi-part user message. */
export type ChatCompletionContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } }
  | { type: "input_audio"; input_audio: { data: string; format: "wav" | "mp3" } }
  | { type: string; [key: string]: unknown };

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

/** Parameters of `chat.completions.create`. `model` falls back to the client's default. */
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
  reasoning_effort?: "minimal" | "low" | "medium" | "high" | string | null;
  store?: boolean | null;
  /** Anything else is sent as is. */
  [key: string]: unknown;
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

/** A change mimir-llm made on the caller's behalf, reported rather than done silently. */
export interface LlmWarning {
  /** `param-dropped`, `param-renamed`, `param-mapped`, `role-mapped`, `finish-reason-synthesised`, `tool-call-id-rewritten`, `unparseable-event`. */
  type: string;
  /** The request parameter concerned, when there is one. */
  param?: string;
  message: string;
}
