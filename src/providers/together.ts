import { defineProvider } from "./preset.js";

/** Together AI: reasoning models answer with inline `<think>` (R3). */
export const together = defineProvider({
  id: "together",
  name: "Together AI",
  baseURL: "https://api.together.xyz/v1",
  apiKeyEnv: "TOGETHER_API_KEY",
  keyRequired: true,
  defaultModel: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
  capabilities: { thinkTags: true },
  quirks: ["C6", "R3"],
});
