import { defineProvider } from "./preset.js";

/** OpenRouter: keep-alive comments (S1), errors inside a 200 stream with `finish_reason: "error"` (S5), `reasoning` (R2). */
export const openrouter = defineProvider({
  id: "openrouter",
  name: "OpenRouter",
  baseURL: "https://openrouter.ai/api/v1",
  apiKeyEnv: "OPENROUTER_API_KEY",
  keyRequired: true,
  defaultModel: "openrouter/auto",
  quirks: ["S1", "S5", "R2", "F4", "E4"],
});
