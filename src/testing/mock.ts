import { defineProvider } from "../providers/preset.js";
import { simulatorFetch } from "./fetch.js";
import type { SimulatorEngine } from "./engine.js";
import type { FetchLike } from "../core/options.js";

/**
 * The offline provider: a preset whose server is the simulator in-process (see `mockFetch`), for
 * demos, docs and tests that need no network. Its base URL never resolves, so nothing leaks out.
 */
export const mockPreset = defineProvider({
  id: "mock",
  name: "Offline mock (simulator)",
  baseURL: "http://mock.invalid/v1",
  keyRequired: false,
  defaultModel: "mock-model",
  defaultEmbeddingModel: "mock-embed",
});

/**
 * A fresh in-process simulator for `mockPreset`: OpenAI's dialect, lists `mock-model` and
 * `mock-embed`, serves any model name, and echoes the last user message ("You said: …").
 *
 * @example
 * const llm = createClient({ provider: mockPreset, fetch: mockFetch() });
 * await llm.complete("hello"); // "You said: hello"
 */
export function mockFetch(): FetchLike & { engine: SimulatorEngine } {
  return simulatorFetch({ dialect: "openai", models: [mockPreset.defaultModel, mockPreset.defaultEmbeddingModel], anyModel: true });
}
