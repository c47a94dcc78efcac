import { ToolArgumentsError } from "../errors.js";
import { isTool, type Tool, type ToolArgs } from "./tool.js";
import type { ChatCompletionMessageToolCall } from "../types.js";

type CallLike = ChatCompletionMessageToolCall | { function: { name?: string; arguments: string } };

/**
 * Parse a tool call's `function.arguments` (always a string in our results). T9: models emit
 * malformed JSON (`{..}{..}`, a trailing `</tool_call>`); that throws a `ToolArgumentsError`
 * whose `raw` holds the text, so the caller can repair or report it. Given the `tool()` the call is
 * for, the arguments are also validated against its schema and typed; `issues` says what was wrong.
 *
 * @example
 * const args = parseToolArguments(call, rollDice);            // typed by rollDice's schema
 * const loose = parseToolArguments<{ city: string }>(call);   // JSON only
 */
export function parseToolArguments<S>(call: CallLike, tool: Tool<S>): ToolArgs<S>;
export function parseToolArguments<T = Record<string, unknown>>(call: CallLike): T;
export function parseToolArguments(call: CallLike, tool?: Tool): unknown {
  const raw = call.function.arguments;
  const name = call.function.name ?? "";
  let value: unknown;
  try {
    value = JSON.parse(raw === "" ? "{}" : raw);
  } catch (cause) {
    const e = new ToolArgumentsError(`the arguments of tool call "${name}" are not valid JSON: ${raw.slice(0, 200)}`, { cause });
    e.raw = raw;
    throw e;
  }
  if (!tool) return value;
  if (!isTool(tool)) throw new TypeError("parseToolArguments: the second argument must be a tool() object");
  const r = tool.validate(value);
  if (r instanceof Promise) {
    throw new ToolArgumentsError(`tool "${tool.name}" has an asynchronous validator: use \`await tool.validate(JSON.parse(call.function.arguments))\``);
  }
  if ("value" in r) return r.value;
  const e = new ToolArgumentsError(`the arguments of tool call "${name}" do not match ${tool.name}'s schema: ${r.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(arguments)"}: ${i.message}`).join("; ")}`);
  e.raw = raw;
  e.issues = r.issues;
  throw e;
}
