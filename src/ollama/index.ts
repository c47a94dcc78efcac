/**
 * `mimir-llm/ollama`: local Ollama model management (list, show, pull with progress, delete, ps, version, ensure).
 * Chat and embeddings go through the core client's OpenAI-compatible `/v1`; this is only model management.
 * @packageDocumentation
 */
export { createOllama, sameModel } from "./manager.js";
export type { OllamaManager, OllamaOptions, OllamaCallOptions, OllamaModel, OllamaRunningModel, PullOptions, PullProgress } from "./manager.js";
