// Placeholder until the history repair lands: passes the history through unchanged.
import type { ProviderPreset } from "../providers/preset.js";
import type { ChatCompletionMessageParam, LlmWarning } from "../types.js";
export interface RepairOptions { provider?: ProviderPreset }
export interface RepairResult { messages: ChatCompletionMessageParam[]; warnings: LlmWarning[] }
export function repairMessages(messages: ChatCompletionMessageParam[], _options?: RepairOptions): RepairResult {
  return { messages: [...messages], warnings: [] };
}
