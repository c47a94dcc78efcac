import { defineProvider } from "./preset.js";

/** Fireworks AI. */
export const fireworks = defineProvider({
  id: "fireworks",
  name: "Fireworks AI",
  baseURL: "https://api.fireworks.ai/inference/v1",
  apiKeyEnv: "FIREWORKS_API_KEY",
  keyRequired: true,
  defaultModel: "accounts/fireworks/models/llama-v3p3-70b-instruct",
  quirks: [],
});
