import type { ChatStream } from "../stream/chat-stream.js";
import type { ChatCompletion, ChatCompletionCreateParams, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "../types.js";
import type { LlmPromise } from "./llm-promise.js";
import type { RequestOptions } from "./options.js";

/** `chat.completions.create`: a `ChatCompletion`, or a `ChatStream` when `stream: true`. */
export interface ChatCreate {
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): LlmPromise<ChatStream>;
  create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): LlmPromise<ChatCompletion>;
  create(params: ChatCompletionCreateParams, options?: RequestOptions): LlmPromise<ChatCompletion | ChatStream>;
}
