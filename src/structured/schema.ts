import { ConfigError } from "../errors.js";
import { validateJsonSchema, type SchemaIssue } from "./json-schema.js";
import { isStandardSchema, type StandardIssue, type StandardSchemaV1 } from "./standard-schema.js";

export type { SchemaIssue };

/** OpenAI's `response_format` for a JSON Schema, as `parse()` also accepts it. */
export interface JsonSchemaFormat {
  type: "json_schema";
  json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
}

/** What `parse()` and `tool()` accept as a schema: a Standard Schema validator or a JSON Schema. */
export type SchemaLike = StandardSchemaV1 | JsonSchemaFormat | Record<string, unknown>;

/** A schema ready for a request: the JSON Schema to send, and how to validate what comes back. */
export interface ResolvedSchema {
  name: string;
  description?: string;
  /** The JSON Schema for the server; always an object at the root (see `wrapped`). */
  jsonSchema: Record<string, unknown>;
  /** The caller's root was not an object (`z.enum([...])`, an array): it travels as `{ value: … }`. */
  wrapped: boolean;
  /** Validate a value (already unwrapped): the typed value, or the issues. */
  validate(value: unknown): Promise<{ value: unknown } | { issues: SchemaIssue[] }> | { value: unknown } | { issues: SchemaIssue[] };
  /** The strict flag the caller set on a JSON Schema format, if any. */
  strict?: boolean;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Whether a JSON Schema describes an object at its root (what `response_format` and strict mode need). */
function objectRoot(schema: Record<string, unknown>): boolean {
  return schema.type === "object" || (schema.type === undefined && isObject(schema.properties));
}

/** Standard Schema issues → our `{ path, message }`. */
export function fromStandardIssues(issues: ReadonlyArray<StandardIssue>): SchemaIssue[] {
  return issues.map((i) => ({
    path: (i.path ?? []).map((p) => {
      const k = typeof p === "object" && p !== null ? p.key : p;
      return typeof k === "number" ? k : String(k);
    }),
    message: i.message,
  }));
}

/** The JSON Schema of a Standard Schema: its Standard JSON Schema converter, or the one given. */
function standardJsonSchema(schema: StandardSchemaV1, explicit: Record<string, unknown> | undefined): Record<string, unknown> {
  if (explicit) return explicit;
  const converter = schema["~standard"].jsonSchema;
  if (!converter) {
    throw new ConfigError(
      `this ${schema["~standard"].vendor} schema has no JSON Schema to send to the server: pass { jsonSchema } ` +
      "(or, for valibot, wrap it with toStandardJsonSchema() from @valibot/to-json-schema)",
    );
  }
  // What the model writes is what the validator takes in: the input side (before transforms and defaults).
  for (const target of ["draft-2020-12", "draft-07"] as const) {
    try {
      return converter.input({ target });
    } catch {
      // Try the next target.
    }
  }
  throw new ConfigError(`the ${schema["~standard"].vendor} schema could not be converted to JSON Schema; pass { jsonSchema }`);
}

/**
 * Turn what the caller gave (`response_format` of `parse()`, or `parameters` of `tool()`) into the JSON
 * Schema to send and a validator. A Standard Schema validates with its own library; a JSON Schema with
 * the built-in validator.
 */
export function resolveSchema(format: unknown, options: { name?: string; description?: string; jsonSchema?: Record<string, unknown> } = {}): ResolvedSchema {
  let name = options.name ?? "response";
  let description = options.description;
  let jsonSchema: Record<string, unknown>;
  let validate: ResolvedSchema["validate"];
  let strict: boolean | undefined;
  if (isStandardSchema(format)) {
    jsonSchema = standardJsonSchema(format, options.jsonSchema);
    validate = (value) => {
      const r = format["~standard"].validate(value);
      const done = (res: Awaited<typeof r>) => (res.issues ? { issues: fromStandardIssues(res.issues) } : { value: res.value });
      return r instanceof Promise ? r.then(done) : done(r);
    };
  } else if (isObject(format) && format.type === "json_schema" && isObject(format.json_schema)) {
    const js = format.json_schema as JsonSchemaFormat["json_schema"];
    if (typeof js.name === "string" && js.name) name = js.name;
    description ??= js.description;
    if (typeof js.strict === "boolean") strict = js.strict;
    jsonSchema = js.schema ?? {};
    validate = (value) => {
      const issues = validateJsonSchema(jsonSchema, value);
      return issues.length ? { issues } : { value };
    };
  } else if (isObject(format) && (typeof format.type === "string" || isObject(format.properties) || Array.isArray(format.anyOf))) {
    // A bare JSON Schema (what `tool({ parameters })` usually gets).
    jsonSchema = format;
    validate = (value) => {
      const issues = validateJsonSchema(format, value);
      return issues.length ? { issues } : { value };
    };
  } else {
    throw new ConfigError("expected a Standard Schema (zod, valibot, arktype…), a JSON Schema, or { type: \"json_schema\", json_schema: { name, schema } }");
  }
  // `$schema` names the draft; servers validating response_format keywords may refuse it, and it says nothing to the model.
  if ("$schema" in jsonSchema) {
    const { $schema: _meta, ...rest } = jsonSchema;
    jsonSchema = rest;
  }
  const wrapped = !objectRoot(jsonSchema);
  if (wrapped) jsonSchema = { type: "object", properties: { value: jsonSchema }, required: ["value"], additionalProperties: false };
  const out: ResolvedSchema = { name: name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "response", jsonSchema, wrapped, validate };
  if (description !== undefined) out.description = description;
  if (strict !== undefined) out.strict = strict;
  return out;
}
