import { TOOL_MARK } from "../core/tool-mark.js";
import { ConfigError } from "../errors.js";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "../types.js";
import { resolveSchema, type ResolvedSchema, type SchemaIssue } from "./schema.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { strictifySchema } from "./strict-schema.js";

/** What a tool's `execute` is given besides its arguments. */
export interface ToolContext {
  /** The id of the tool call being answered. */
  toolCallId: string;
  /** Fires when the caller cancels: stop work and reject. */
  signal?: AbortSignal;
  /** The conversation so far (in the tool loop), up to the assistant turn that made the call. */
  messages?: readonly ChatCompletionMessageParam[];
}

/** The arguments type of a tool's schema: a Standard Schema's output type, else a plain object. */
export type ToolArgs<S> = S extends StandardSchemaV1<unknown, infer O> ? O : Record<string, unknown>;

/** What `tool()` takes. */
export interface ToolOptions<S, R> {
  name: string;
  description?: string;
  /** The arguments' schema: a Standard Schema validator (zod 4, valibot, arktype…) or a JSON Schema object. */
  parameters: S;
  /** The JSON Schema to send, for a Standard Schema library that cannot produce one itself. */
  jsonSchema?: Record<string, unknown>;
  /** Ask for OpenAI's strict function calling; the schema is made strict-compatible [false]. */
  strict?: boolean;
  /** Runs the tool (used by the tool loop; optional for a tool the caller answers itself). */
  execute?: (args: ToolArgs<S>, context: ToolContext) => R | Promise<R>;
  /** Ask the person first (the tool loop's `approve`): always, or per call [false]. */
  needsApproval?: boolean | ((args: ToolArgs<S>, context: ToolContext) => boolean | Promise<boolean>);
}


/**
 * A typed tool: an OpenAI function tool (so it goes wherever one does: `create({ tools: [rollDice] })`)
 * that also knows its schema, to validate and type its arguments, and how to run itself.
 */
export interface Tool<S = unknown, R = unknown> extends ChatCompletionTool {
  readonly name: string;
  readonly description?: string;
  readonly parameters: S;
  readonly execute?: (args: ToolArgs<S>, context: ToolContext) => R | Promise<R>;
  readonly needsApproval?: boolean | ((args: ToolArgs<S>, context: ToolContext) => boolean | Promise<boolean>);
  /** Validate (and type) raw arguments: the value, or the issues. May be async for async validators. */
  validate(args: unknown): { value: ToolArgs<S> } | { issues: SchemaIssue[] } | Promise<{ value: ToolArgs<S> } | { issues: SchemaIssue[] }>;
}

/** Whether a tools entry is a `tool()` object. */
export function isTool(x: unknown): x is Tool {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[TOOL_MARK] === true;
}

/**
 * Define a typed tool.
 *
 * @example
 * const rollDice = tool({
 *   name: "roll_dice", description: "Roll dice like 2d6+1",
 *   parameters: z.object({ expr: z.string() }),
 *   execute: async ({ expr }) => roll(expr),
 * });
 * const c = await llm.chat.completions.create({ messages, tools: [rollDice] });
 * const args = parseToolArguments(c.choices[0].message.tool_calls![0], rollDice); // { expr: string }
 */
export function tool<S, R = unknown>(options: ToolOptions<S, R>): Tool<S, R> {
  if (!options || typeof options.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(options.name)) {
    throw new ConfigError(`a tool needs a name of 1–64 letters, digits, _ or - (got ${JSON.stringify(options?.name)})`);
  }
  if (options.execute !== undefined && typeof options.execute !== "function") throw new ConfigError(`tool "${options.name}": execute must be a function`);
  if (options.needsApproval !== undefined && typeof options.needsApproval !== "boolean" && typeof options.needsApproval !== "function") {
    throw new ConfigError(`tool "${options.name}": needsApproval must be true, false or a function`);
  }
  const schema: ResolvedSchema = resolveSchema(options.parameters, { name: options.name, jsonSchema: options.jsonSchema });
  if (schema.wrapped) throw new ConfigError(`tool "${options.name}": parameters must describe an object (tool arguments are always an object)`);
  let wire = schema.jsonSchema;
  let restore: ((v: unknown) => unknown) | undefined;
  if (options.strict) {
    const s = strictifySchema(wire);
    wire = s.schema;
    restore = s.restore;
  }
  const fn: ChatCompletionTool["function"] = { name: options.name, parameters: wire };
  if (options.description !== undefined) fn.description = options.description;
  if (options.strict) fn.strict = true;
  const t = {
    type: "function" as const,
    function: fn,
    name: options.name,
    description: options.description,
    parameters: options.parameters,
    execute: options.execute,
    needsApproval: options.needsApproval,
    validate: (args: unknown) => schema.validate(restore ? restore(args) : args),
  };
  Object.defineProperty(t, TOOL_MARK, { value: true });
  return t as unknown as Tool<S, R>;
}
