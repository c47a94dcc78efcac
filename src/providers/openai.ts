import { defineProvider } from "./preset.js";

/** OpenAI itself: the reference dialect. Reasoning models reject `max_tokens` (Q2), so we send `max_completion_tokens`. */
export const openai = defineProvider({
  id: "openai",
  name: "OpenAI",
  baseURL: "https://api.openai.com/v1",
  apiKeyEnv: "OPENAI_API_KEY",
  keyRequired: true,
  defaultModel: "gpt-4o-mini",
  defaultEmbeddingModel: "text-embedding-3-small",
  capabilities: { developerRole: true, maxTokensParam: "max_completion_tokens", strictJsonSchema: true },
  quirks: ["Q2", "Q5", "E5", "E6"],
});
