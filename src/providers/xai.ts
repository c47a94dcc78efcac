import { defineProvider } from "./preset.js";

/** xAI (Grok): reasoning models answer with `reasoning_content` (R1). */
export const xai = defineProvider({
  id: "xai",
  name: "xAI",
  baseURL: "https://api.x.ai/v1",
  apiKeyEnv: "XAI_API_KEY",
  keyRequired: true,
  defaultModel: "grok-3-mini",
  quirks: ["R1"],
});
