import { defineProvider } from "./preset.js";

/** Groq: usage arrives as `x_groq.usage` (C5), reasoning as `reasoning` (R2), several params rejected (Q3). */
export const groq = defineProvider({
  id: "groq",
  name: "Groq",
  baseURL: "https://api.groq.com/openai/v1",
  apiKeyEnv: "GROQ_API_KEY",
  keyRequired: true,
  defaultModel: "llama-3.3-70b-versatile",
  capabilities: { unsupportedParams: ["logprobs", "top_logprobs", "logit_bias", "store"] },
  hooks: {
    // Q3: Groq answers 400 for n > 1; one choice is better than none.
    adaptRequest(body, ctx) {
      if (typeof body.n === "number" && body.n > 1) {
        delete body.n;
        ctx.warn({ type: "param-dropped", param: "n", message: "groq supports only n=1; `n` was dropped" });
      }
    },
    // C5: Groq puts the stream's usage in `x_groq.usage` on the last chunk.
    normalizeChunk(chunk) {
      const u = chunk.x_groq?.usage;
      if (u && !chunk.usage) chunk.usage = u;
    },
  },
  quirks: ["C5", "R2", "Q3", "E5", "T11"],
});
