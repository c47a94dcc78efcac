import { defineProvider } from "./preset.js";

/** llama.cpp's `llama-server`: repeats `function.name` and `id` in every tool delta (T3), `reasoning_content` (R1). */
export const llamacpp = defineProvider({
  id: "llamacpp",
  name: "llama.cpp server",
  baseURL: "http://127.0.0.1:8080/v1",
  apiKeyEnv: "LLAMACPP_API_KEY",
  keyRequired: false,
  connectionHint: "is llama-server running? Start it with `llama-server -m <model>.gguf --port 8080`",
  capabilities: { thinkTags: true },
  quirks: ["T3", "T6", "R1", "R3", "F4", "E8", "Q7"],
});
