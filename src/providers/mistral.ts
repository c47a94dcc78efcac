import { defineProvider } from "./preset.js";

const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** T10: Mistral wants tool-call ids of exactly 9 alphanumerics. Derived by hash, so a call and its result map alike. */
export function toMistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  let out = "";
  for (let i = 0; i < 9; i++) {
    const h = i < 5 ? h1 >>> (i * 6) : h2 >>> ((i - 5) * 7);
    out += ALNUM[h % 62];
  }
  return out;
}

/** Mistral: rejects `stream_options` (Q1) and the `developer` role (Q5); tool-call ids of 9 alphanumerics (T10). */
export const mistral = defineProvider({
  id: "mistral",
  name: "Mistral AI",
  baseURL: "https://api.mistral.ai/v1",
  apiKeyEnv: "MISTRAL_API_KEY",
  keyRequired: true,
  defaultModel: "mistral-small-latest",
  defaultEmbeddingModel: "mistral-embed",
  capabilities: { streamUsage: false },
  hooks: {
    adaptRequest(body, ctx) {
      const messages = body.messages as Array<Record<string, any>> | undefined;
      if (!Array.isArray(messages)) return;
      let rewritten = false;
      body.messages = messages.map((m) => {
        if (m.role === "assistant" && Array.isArray(m.tool_calls)) {
          const tool_calls = m.tool_calls.map((tc: Record<string, any>) => {
            const id = toMistralToolCallId(String(tc.id ?? ""));
            if (id === tc.id) return tc;
            rewritten = true;
            return { ...tc, id };
          });
          return { ...m, tool_calls };
        }
        if (m.role === "tool" && typeof m.tool_call_id === "string") {
          const id = toMistralToolCallId(m.tool_call_id);
          if (id !== m.tool_call_id) { rewritten = true; return { ...m, tool_call_id: id }; }
        }
        return m;
      });
      if (rewritten) ctx.warn({ type: "tool-call-id-rewritten", message: "tool-call ids were rewritten to Mistral's 9-alphanumeric format" });
    },
  },
  quirks: ["Q1", "C6", "Q5", "T10", "E2"],
});
