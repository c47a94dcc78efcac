import { defineProvider } from "./preset.js";

/** Groq: several params rejected (Q3). Its `x_groq.usage` (C5) and `reasoning` (R2) are read for every server, so a Groq stream through a gateway keeps them. */
export const groq = defineProvider({
  id: "groq",
  name: "Groq",
  baseURL: "https://api.groq.com/openai/v1",
  apiKeyEnv: "GROQ_API_KEY",
  keyRequired: true,
  defaultModel: "llama-3.3-70b-versatile",
  capabilities: {
    unsupportedParams: ["logprobs", "top_logprobs", "logit_bias", "store"],
    // Structured outputs (json_schema) on some models only (Groq's docs: gpt-oss, Kimi K2, Llama 4);
    // the others, the default model among them, take JSON mode.
    structuredOutput: (model) => (/gpt-oss|kimi-k2|llama-4/i.test(model) ? "json_schema" : "json_object"),
  },
  hooks: {
    // Q3: Groq answers 400 for n > 1; one choice is better than none.
    adaptRequest(body, ctx) {
      if (typeof body.n === "number" && body.n > 1) {
        delete body.n;
        ctx.warn({ type: "param-dropped", param: "n", message: "groq supports only n=1; `n` was dropped" });
      }
    },
  },
  quirks: ["C5", "R2", "Q3", "E5", "T11"],
});
