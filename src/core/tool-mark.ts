/** Marks the objects `tool()` makes, so the request path can recognise them without importing the structured layer. */
export const TOOL_MARK: unique symbol = Symbol.for("mimir-llm.tool") as never;

/** The OpenAI function tool a `tool()` object is sent as (its schema objects and functions stay home). */
export function wireTool(t: unknown): unknown {
  if (typeof t !== "object" || t === null || (t as Record<symbol, unknown>)[TOOL_MARK] !== true) return t;
  const { type, function: fn } = t as { type: string; function: unknown };
  return { type, function: fn };
}

/** Whether a tools entry was made by `tool()` (checked by its mark, so the tool loop need not load the schema tooling). */
export function isMarkedTool(t: unknown): boolean {
  return typeof t === "object" && t !== null && (t as Record<symbol, unknown>)[TOOL_MARK] === true;
}
