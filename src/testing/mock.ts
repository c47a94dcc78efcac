import { simulatorFetch } from "./fetch.js";
import { mockPreset } from "./mock-preset.js";

export { mockPreset };

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
