import { defineProvider } from "../providers/preset.js";

/**
 * The offline provider's preset: the simulator answers it in-process (see `mockFetch`). Kept apart
 * from the simulator so config validation and the CLI's preset table can name it without loading it.
 */
export const mockPreset = defineProvider({
  id: "mock",
  name: "Offline mock (simulator)",
  baseURL: "http://mock.invalid/v1",
  keyRequired: false,
  defaultModel: "mock-model",
  defaultEmbeddingModel: "mock-embed",
});
