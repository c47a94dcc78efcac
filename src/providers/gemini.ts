import { defineProvider } from "./preset.js";

/** Google Gemini's OpenAI-compatible endpoint: tool deltas without `index` (T1), `stop` after tool calls (F3), ids prefixed `models/`. */
export const gemini = defineProvider({
  id: "gemini",
  name: "Google Gemini",
  baseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
  apiKeyEnv: "GEMINI_API_KEY",
  keyRequired: true,
  defaultModel: "gemini-2.5-flash",
  defaultEmbeddingModel: "text-embedding-004",
  hooks: {
    // The model list names models `models/gemini-…`, but chat wants the bare id.
    normalizeModel(m) {
      return m.id.startsWith("models/") ? { ...m, id: m.id.slice(7) } : m;
    },
  },
  quirks: ["T1", "F3", "F4", "E2"],
});
