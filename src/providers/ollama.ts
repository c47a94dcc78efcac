import { defineProvider } from "./preset.js";

/**
 * Ollama through its OpenAI-compatible `/v1` (never `/api/chat`). Honours `OLLAMA_HOST`.
 * Q9: Ollama truncates prompts at its default context (`num_ctx`), which `/v1` cannot change:
 * set it on the server (`OLLAMA_CONTEXT_LENGTH`) or in a Modelfile.
 */
export const ollama = defineProvider({
  id: "ollama",
  name: "Ollama",
  baseURL: "http://127.0.0.1:11434/v1",
  baseURLEnv: "OLLAMA_HOST",
  apiKeyEnv: "OLLAMA_API_KEY",
  keyRequired: false,
  connectionHint: "is Ollama running there? Start it with `ollama serve` (or set OLLAMA_HOST to where it runs)",
  defaultModel: "llama3.2",
  defaultEmbeddingModel: "nomic-embed-text",
  // Q6: Ollama rejects `content: null` on an assistant tool-call turn. R3: distills think inline.
  capabilities: { toolCallTurnContent: "empty-string", thinkTags: true },
  quirks: ["F2", "F3", "T1", "T2", "T5", "T6", "R2", "R3", "Q6", "Q7", "Q9", "E2", "E8"],
});
