import type { FinishReason } from "../types.js";

// F4: vendor finish reasons seen through various layers, mapped into OpenAI's set.
const MAP: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  function_call: "function_call",
  end_turn: "stop", // Anthropic-style layers
  stop_sequence: "stop",
  eos: "stop", // llama.cpp, TGI
  eos_token: "stop",
  max_tokens: "length",
  model_length: "length",
  max_output_tokens: "length",
  tool_use: "tool_calls",
  safety: "content_filter", // Gemini
  recitation: "content_filter",
  blocklist: "content_filter",
  prohibited_content: "content_filter",
  spii: "content_filter",
  sensitive: "content_filter",
};

/** The normalised finish reason and, when it differs, the server's own value. `error` marks OpenRouter's in-stream failure (S5). */
export interface FinishReasonResult {
  value: FinishReason | null;
  raw?: string;
  error?: boolean;
}

/**
 * Map a server's finish reason into OpenAI's set.
 * F2: `""` is no finish reason. F3: `stop` after tool calls is `tool_calls`. Unknown values become `stop`, raw kept.
 */
export function normalizeFinishReason(raw: unknown, sawToolCalls: boolean): FinishReasonResult {
  if (raw === null || raw === undefined || raw === "") return { value: null };
  const s = String(raw);
  const key = s.toLowerCase();
  if (key === "error") return { value: null, raw: s, error: true };
  let value: FinishReason = MAP[key] ?? "stop";
  if (sawToolCalls && value === "stop") value = "tool_calls";
  return value === s ? { value } : { value, raw: s };
}
