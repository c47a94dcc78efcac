import { defineProvider } from "./preset.js";

/** vLLM: `event: error` frames (S5), `{"object":"error"}` bodies (E2), null argument deltas (T8), auto tool choice needs a server flag (T12). */
export const vllm = defineProvider({
  id: "vllm",
  name: "vLLM",
  baseURL: "http://127.0.0.1:8000/v1",
  apiKeyEnv: "VLLM_API_KEY",
  keyRequired: false,
  connectionHint: "is vLLM running? Start it with `vllm serve <model>`",
  capabilities: { thinkTags: true },
  quirks: ["S5", "T8", "T12", "R1", "R3", "R5", "E2", "E8", "F3", "Q7"],
});
