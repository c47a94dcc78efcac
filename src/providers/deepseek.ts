import { defineProvider } from "./preset.js";

// Q3: deepseek-reasoner ignores or rejects sampling parameters.
const REASONER_UNSUPPORTED = ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs"];

/** DeepSeek: `reasoning_content` must be sent back on thinking + tool turns (R4); the reasoner takes no sampling params (Q3). */
export const deepseek = defineProvider({
  id: "deepseek",
  name: "DeepSeek",
  baseURL: "https://api.deepseek.com/v1",
  apiKeyEnv: "DEEPSEEK_API_KEY",
  keyRequired: true,
  defaultModel: "deepseek-chat",
  // JSON Output is json_object only: a schema goes in the system message.
  capabilities: { reasoningRoundTrip: true, structuredOutput: "json_object" },
  hooks: {
    adaptRequest(body, ctx) {
      if (typeof body.model !== "string" || !body.model.includes("reasoner")) return;
      for (const p of REASONER_UNSUPPORTED) {
        if (body[p] === undefined) continue;
        delete body[p];
        ctx.warn({ type: "param-dropped", param: p, message: `${body.model} does not support \`${p}\`; it was dropped` });
      }
    },
  },
  quirks: ["C1", "R1", "R4", "Q3", "F1"],
});
