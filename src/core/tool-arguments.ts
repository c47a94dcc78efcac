import { ToolArgumentsError } from "../errors.js";
import type { ChatCompletionMessageToolCall } from "../types.js";

/**
 * Parse a tool call's `function.arguments` (always a string in our results). T9: models emit
 * malformed JSON (`{..}{..}`, a trailing `</tool_call>`); that throws a `ToolArgumentsError`
 * whose `raw` holds the text, so the caller can repair or report it.
 *
 * @example
 * const args = parseToolArguments<{ city: string }>(completion.choices[0].message.tool_calls![0]);
 */
export function parseToolArguments<T = Record<string, unknown>>(call: ChatCompletionMessageToolCall | { function: { name?: string; arguments: string } }): T {
  const raw = call.function.arguments;
  try {
    return JSON.parse(raw === "" ? "{}" : raw) as T;
  } catch (cause) {
    const e = new ToolArgumentsError(`the arguments of tool call "${call.function.name ?? ""}" are not valid JSON: ${raw.slice(0, 200)}`, { cause });
    e.raw = raw;
    throw e;
  }
}
