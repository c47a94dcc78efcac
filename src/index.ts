/**
 * mimir-llm: one OpenAI-compatible client for every LLM provider.
 *
 * @example
 * import { createClient } from "mimir-llm";
 * const llm = createClient({ provider: "groq" });
 * const stream = await llm.chat.completions.create({ messages: [{ role: "user", content: "Hi" }], stream: true });
 * for await (const text of stream.textStream) process.stdout.write(text);
 *
 * @packageDocumentation
 */
export { createClient } from "./client.js";
export type { LlmClient, ChatCompletions, CompleteOptions } from "./client.js";
export type { ChatCreate } from "./core/chat-create.js";
export type { ParseTarget } from "./structured/parse.js";
export type { ClientOptions, RequestOptions, FetchLike, RetryInfo, Logger, LogLevel, ResponseLimits } from "./core/options.js";
export type { LlmPromise, ResponseMeta } from "./core/llm-promise.js";
export type { RateLimitOptions } from "./http/rate-limiter.js";
export type { RateLimitInfo } from "./http/rate-limit-info.js";
export { ChatStream } from "./stream/chat-stream.js";
export { ChatCompletionAccumulator } from "./stream/accumulate.js";
export type { AccumulatorOptions } from "./stream/accumulate.js";
export { SseDecoder } from "./stream/sse.js";
export type { SseEvent } from "./stream/sse.js";
export { parseToolArguments } from "./structured/tool-arguments.js";
export { tool, isTool } from "./structured/tool.js";
export type { Tool, ToolOptions, ToolContext, ToolArgs } from "./structured/tool.js";
export type { ParsedChatStream, ParseParams, ParsedChatCompletion, ParsedMessage, ParsedOf, DeepPartial } from "./structured/parse.js";
export { ToolRun } from "./agent/tool-run.js";
export { repairMessages } from "./agent/repair.js";
export type { RepairOptions, RepairResult } from "./agent/repair.js";
export type { RunToolsParams, RunToolsOptions, ToolLoopTarget } from "./agent/run-tools.js";
export type { RunEvent, RunEventOf, RunResult, RunFinishReason, StepRecord, ToolResultRecord, ApprovalRequest, ApprovalAnswer } from "./agent/events.js";
export type { StandardSchemaV1, StandardIssue, StandardJsonSchemaConverter, InferOutput } from "./structured/standard-schema.js";
export type { JsonSchemaFormat, SchemaLike } from "./structured/schema.js";
export { defineProvider } from "./providers/preset.js";
export type { ProviderPreset, ProviderCapabilities, ProviderHooks, AdaptContext, ErrorInfo, StructuredOutputStrategy } from "./providers/preset.js";
export { presets } from "./providers/index.js";
export type { PresetId } from "./providers/index.js";
export * from "./errors.js";
export type * from "./types.js";
