import { defineProvider } from "../providers/preset.js";
import { simulatorFetch } from "./fetch.js";

/** The offline provider: the simulator in-process behind a custom fetch, no port, no network. */
export const mockPreset = defineProvider({
  id: "mock",
  name: "Offline mock (simulator)",
  baseURL: "http://mock.invalid/v1",
  keyRequired: false,
  defaultModel: "mock-model",
  defaultEmbeddingModel: "mock-embed",
});

/**
 * A `fetch` answering as the offline mock does: the OpenAI dialect, echoing the last user message,
 * listing `mock-model` and `mock-embed` and serving any model name.
 *
 * @example
 * const llm = createClient({ provider: mockPreset, fetch: mockFetch() });
 */
export function mockFetch(): ReturnType<typeof simulatorFetch> {
  return simulatorFetch({ dialect: "openai", models: [mockPreset.defaultModel, mockPreset.defaultEmbeddingModel], anyModel: true });
}
