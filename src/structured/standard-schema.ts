/**
 * The Standard Schema and Standard JSON Schema interfaces (standardschema.dev), declared here by shape
 * so that zod 4, valibot, arktype, effect schema and any other implementation are accepted with no
 * runtime dependency and no import of theirs. Only what mimir-llm reads is declared.
 */

/** One validation problem, as a Standard Schema library reports it. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What `~standard.validate` returns (or resolves to). */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** A JSON Schema target a Standard JSON Schema converter can emit. */
export type StandardJsonSchemaTarget = "draft-2020-12" | "draft-07" | "openapi-3.0" | (string & {});

/** The converter a Standard JSON Schema exposes at `~standard.jsonSchema`. */
export interface StandardJsonSchemaConverter {
  readonly input: (options: { readonly target: StandardJsonSchemaTarget; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;
  readonly output: (options: { readonly target: StandardJsonSchemaTarget; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;
}

/**
 * A Standard Schema validator (zod 4, valibot, arktype, effect schema…). `Output` is what a valid value
 * becomes; it types `parsed`.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    /** Present when the library also implements Standard JSON Schema (zod 4, arktype; valibot through its converter). */
    readonly jsonSchema?: StandardJsonSchemaConverter;
  };
}

/** The type a Standard Schema validates to. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** Whether a value is a Standard Schema validator. */
export function isStandardSchema(x: unknown): x is StandardSchemaV1 {
  const s = (x as { "~standard"?: { version?: unknown; validate?: unknown } } | null)?.["~standard"];
  return typeof s === "object" && s !== null && s.version === 1 && typeof s.validate === "function";
}
