import { defineProvider } from "./preset.js";

/** Cerebras: rejects a few OpenAI params (Q3). */
export const cerebras = defineProvider({
  id: "cerebras",
  name: "Cerebras",
  baseURL: "https://api.cerebras.ai/v1",
  apiKeyEnv: "CEREBRAS_API_KEY",
  keyRequired: true,
  defaultModel: "llama-3.3-70b",
  capabilities: { unsupportedParams: ["logit_bias", "store"] },
  quirks: ["Q3"],
});
