/**
 * `strictifySchema`: turn a JSON Schema into one OpenAI's strict structured outputs
 * (`response_format: { type: "json_schema", json_schema: { strict: true, schema } }`) accepts,
 * and give back `restore`, which undoes on the model's answer what strictness forced on it.
 *
 * The rules followed, from OpenAI's "Structured Outputs → Supported schemas" guide
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas, as it reads in
 * 2026: read through the summary at https://jsonschemaprofiles.unitvectorylabs.com/schemas/openai),
 * the `toStrictJsonSchema` transform in OpenAI's own Node SDK (openai@6, `src/lib/transform.ts`),
 * and the 400 errors the API is reported to return ("In context=(…), 'X' is not permitted"):
 *
 * - The root must be an object (`type: "object"`), not `anyOf`: anything else throws, asking the
 *   caller to wrap it in an object.
 * - Every object has `additionalProperties: false` and lists every property in `required`. An
 *   optional property becomes required and nullable (`type: [t, "null"]`, `null` added to an
 *   `enum`, or `anyOf: [..., { type: "null" }]`); `restore` removes those `null`s again.
 * - Supported: `type` (string, number, integer, boolean, object, array, null; arrays of types),
 *   `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `const`, `anyOf`
 *   (not at the root), `$defs`/`definitions` and `$ref` (including recursion via `#`), and these
 *   constraints: `pattern`, `format` (only `date-time`, `time`, `date`, `duration`, `email`,
 *   `hostname`, `ipv4`, `ipv6`, `uuid`), `multipleOf`, `minimum`, `maximum`, `exclusiveMinimum`,
 *   `exclusiveMaximum`, `minItems`, `maxItems`. Kept as they are.
 * - Rejected, so rewritten: `allOf` (merged into one schema), `oneOf` (becomes `anyOf`), `$ref`
 *   with sibling keywords (the target is inlined, as the SDK does), `prefixItems` / array-form
 *   `items` (the tuple becomes an array whose items may be any of the tuple's item schemas, with
 *   `maxItems` when the tuple was closed), OpenAPI's `nullable` (becomes a `null` type).
 * - Rejected, so dropped (listed in `changes`): `minLength`, `maxLength`, `uniqueItems`,
 *   `minProperties`, `maxProperties`, `patternProperties`, `propertyNames`,
 *   `unevaluatedProperties`, `unevaluatedItems`, `contains`, `minContains`, `maxContains`,
 *   `dependentRequired`, `dependentSchemas`, `dependencies`, `not`, `if`/`then`/`else`, `default`,
 *   a `format` outside the list above, and a `pattern` with lookaround (reported rejected).
 *   Dropping only loosens the schema: the answer can still be checked against the original.
 * - Not expressible, so they throw: a schema that accepts any value (`{}`, `true`), `false`, an
 *   object with no fixed properties whose extra properties are allowed (a record/map), an array
 *   with no `items`, an unresolvable `$ref`, an `allOf` whose parts conflict.
 * Annotations (`description`, `title`, `$schema`, `$comment`, `examples`) are kept.
 *
 * Pure: no dependencies, no Node APIs; the input is never mutated.
 */
import { acceptsNull, jsonEqual, resolvePointer, validateSubschema } from "./json-schema.js";

export interface StrictResult {
  schema: Record<string, unknown>;
  /** Human-readable list of what was changed, e.g. "made \"age\" required and nullable (it was optional)". Empty when nothing changed. */
  changes: string[];
  /** Undo what strictness forces on the model's answer: remove the `null`s the model put in properties that were optional in the original schema (so the value validates against the original). Returns a new value. */
  restore(value: unknown): unknown;
}

/** Make `schema` acceptable to OpenAI's strict structured outputs (see the module comment). */
export function strictifySchema(schema: Record<string, unknown>): StrictResult {
  if (!isObject(schema)) {
    throw new Error(
      `strict structured outputs need an object schema at the root, got ${describe(schema)}; ` +
        `wrap it in an object: { type: "object", properties: { value: <schema> }, required: ["value"], additionalProperties: false }`,
    );
  }
  const s = new Strictifier(schema);
  const out = s.node(schema, "", true);
  const restorer = new Restorer(schema);
  return { schema: out, changes: s.changes, restore: (value) => restorer.restore(schema, value) };
}

// ---------------------------------------------------------------------------------------------

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "boolean") return `the boolean schema \`${v}\``;
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

const SUPPORTED_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);

const DROPPED = [
  "minLength",
  "maxLength",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "patternProperties",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "minContains",
  "maxContains",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "not",
  "if",
  "then",
  "else",
  "default",
];

/** Keywords that describe rather than constrain: on a merge the first part's value is kept. */
const ANNOTATIONS = new Set(["description", "title", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly", "$schema", "$id", "format"]);

const LOWER_BOUNDS = new Set(["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"]);
const UPPER_BOUNDS = new Set(["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"]);

/** Where a schema sits, as a path through the data: `npcs[].motive`; "" is the root. */
function child(loc: string, key: string): string {
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return loc === "" ? k : `${loc}.${k}`;
}

function here(loc: string): string {
  return loc === "" ? "the root" : `"${loc}"`;
}

function typeNames(t: unknown): string[] | undefined {
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  return undefined;
}


class Strictifier {
  readonly changes: string[] = [];
  private readonly acceptsNullCache = new WeakMap<object, boolean>();

  constructor(private readonly root: Record<string, unknown>) {}

  private resolve(ref: string, loc: string): Record<string, unknown> {
    const target = resolvePointer(this.root, ref);
    if (!isObject(target)) {
      throw new Error(
        target === undefined
          ? `$ref ${JSON.stringify(ref)} at ${here(loc)} does not resolve in this schema (only local references, "#" or "#/…", are supported)`
          : `$ref ${JSON.stringify(ref)} at ${here(loc)} points at ${describe(target)}, not an object schema`,
      );
    }
    return target;
  }

  private acceptsNull(schema: unknown): boolean {
    return acceptsNull(this.root, schema, this.acceptsNullCache);
  }

  /** The strict version of `schema` (a fresh object; `schema` is not touched). */
  node(schema: unknown, loc: string, isRoot = false): Record<string, unknown> {
    if (typeof schema === "boolean" || !isObject(schema)) {
      const what = schema === true ? "accepts any value (`true`)" : schema === false ? "accepts no value (`false`)" : `is ${describe(schema)}, not a schema`;
      throw new Error(`${isRoot ? "the root schema" : `the schema at ${here(loc)}`} ${what}, which OpenAI strict mode cannot express`);
    }
    let s: Record<string, unknown> = { ...schema };

    // allOf and $ref-with-siblings are rewritten first: they can bring in any keyword.
    for (let round = 0; ; round++) {
      if (round > 64) throw new Error(`the $ref/allOf at ${here(loc)} expands forever`);
      if (Array.isArray(s.allOf)) {
        const parts = s.allOf;
        delete s.allOf;
        for (const part of parts) {
          if (part === true) continue;
          if (!isObject(part)) throw new Error(`the allOf at ${here(loc)} has a part that is ${describe(part)}, which OpenAI strict mode cannot express`);
          s = merge(s, part, loc);
        }
        this.changes.push(`merged the allOf at ${here(loc)} into one schema (OpenAI strict mode rejects allOf)`);
        continue;
      }
      if (typeof s.$ref === "string" && Object.keys(s).length > 1) {
        const ref = s.$ref;
        const { $ref: _ref, ...siblings } = s;
        const { $defs: _d, definitions: _defs, $schema: _s, $id: _i, ...target } = this.resolve(ref, loc);
        s = merge(siblings, target, loc);
        this.changes.push(`inlined $ref ${JSON.stringify(ref)} at ${here(loc)} (OpenAI strict mode does not allow keywords next to $ref)`);
        continue;
      }
      break;
    }
    if (typeof s.$ref === "string") this.resolve(s.$ref, loc); // fail now, not at OpenAI

    if (Array.isArray(s.oneOf)) {
      if (s.anyOf !== undefined) throw new Error(`the schema at ${here(loc)} has both anyOf and oneOf, which OpenAI strict mode cannot express`);
      s.anyOf = s.oneOf;
      delete s.oneOf;
      this.changes.push(`replaced oneOf with anyOf at ${here(loc)} (OpenAI strict mode rejects oneOf)`);
    }

    let nullable = false;
    if (hasOwn(s, "nullable")) {
      nullable = s.nullable === true;
      delete s.nullable;
      if (!nullable) this.changes.push(`dropped "nullable" at ${here(loc)} (an OpenAPI keyword, not JSON Schema)`);
      else if (!isRoot) this.changes.push(`replaced OpenAPI "nullable: true" at ${here(loc)} with a "null" type`);
    }

    if (isRoot) {
      const wrap = `wrap it in an object: { type: "object", properties: { value: <schema> }, required: ["value"], additionalProperties: false }`;
      if (s.anyOf !== undefined) throw new Error(`the root schema of a strict structured output must be an object, not anyOf/oneOf; ${wrap}`);
      if (nullable) throw new Error(`the root schema of a strict structured output must be an object, not nullable; ${wrap}`);
      const t = typeNames(s.type);
      if (t === undefined && isObject(s.properties)) {
        s.type = "object";
        this.changes.push(`added type "object" to the root`);
      } else if (t?.length === 1 && t[0] === "object" && s.type !== "object") {
        s.type = "object";
        this.changes.push(`wrote the root's type ["object"] as "object"`);
      } else if (s.type !== "object") {
        throw new Error(`the root schema of a strict structured output must have type "object", got ${t ? JSON.stringify(s.type) : "no type"}; ${wrap}`);
      }
    }

    for (const k of DROPPED) {
      if (!hasOwn(s, k)) continue;
      delete s[k];
      this.changes.push(`dropped "${k}" at ${here(loc)} (not supported by OpenAI strict mode)`);
    }
    if (hasOwn(s, "format") && !(typeof s.format === "string" && SUPPORTED_FORMATS.has(s.format))) {
      this.changes.push(`dropped format ${JSON.stringify(s.format)} at ${here(loc)} (OpenAI strict mode supports only ${[...SUPPORTED_FORMATS].join(", ")})`);
      delete s.format;
    }
    if (typeof s.pattern === "string" && /\(\?<?[=!]/.test(s.pattern)) {
      this.changes.push(`dropped the pattern at ${here(loc)} (OpenAI strict mode rejects lookaround in patterns)`);
      delete s.pattern;
    }

    // Children.
    for (const defsKey of ["$defs", "definitions"]) {
      const defs = s[defsKey];
      if (!isObject(defs)) continue;
      const next: Record<string, unknown> = {};
      for (const [name, def] of Object.entries(defs)) setKey(next, name, this.node(def, `${defsKey}.${name}`));
      s[defsKey] = next;
    }
    if (Array.isArray(s.prefixItems) || Array.isArray(s.items)) this.tuple(s, loc);
    else if (s.items !== undefined) s.items = this.node(s.items, `${loc}[]`);
    if (hasOwn(s, "additionalItems")) {
      delete s.additionalItems; // without array-form items it means nothing
      this.changes.push(`dropped "additionalItems" at ${here(loc)} (not supported by OpenAI strict mode)`);
    }
    if (Array.isArray(s.anyOf)) {
      if (s.anyOf.length === 0) throw new Error(`the anyOf at ${here(loc)} is empty: no value matches it`);
      s.anyOf = s.anyOf.map((alt, i) => this.node(alt, `${loc}(anyOf ${i})`));
    }

    const types = typeNames(s.type);
    if (types === undefined && isObject(s.properties) && s.anyOf === undefined && s.$ref === undefined) {
      s.type = "object";
      this.changes.push(`added type "object" at ${here(loc)} (it has properties)`);
    }
    if (typeNames(s.type)?.includes("object")) this.object(s, loc);
    else if (isObject(s.properties)) {
      // Properties on a non-object schema constrain nothing, but must still be strict to be sent.
      const props: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(s.properties)) setKey(props, k, this.node(p, child(loc, k)));
      s.properties = props;
    }
    if (types?.includes("array") && s.items === undefined) {
      throw new Error(`the array at ${here(loc)} has no "items" (its items may be anything), which OpenAI strict mode cannot express`);
    }
    if (s.type === undefined && s.anyOf === undefined && s.$ref === undefined && s.enum === undefined && !hasOwn(s, "const")) {
      throw new Error(`the schema at ${here(loc)} accepts any value (it has no type, enum, const, anyOf or $ref), which OpenAI strict mode cannot express`);
    }
    return nullable ? makeNullable(s) : s;
  }

  private object(s: Record<string, unknown>, loc: string): void {
    const original = isObject(s.properties) ? s.properties : {};
    const names = Object.keys(original);
    if (names.length === 0 && s.additionalProperties !== false) {
      throw new Error(
        `the object at ${here(loc)} has no fixed properties and allows any (a record/map), which OpenAI strict mode cannot express; give it fixed properties`,
      );
    }
    if (s.additionalProperties !== false) {
      this.changes.push(
        s.additionalProperties === undefined
          ? `added additionalProperties: false at ${here(loc)}`
          : `set additionalProperties to false at ${here(loc)} (it allowed other properties; OpenAI strict mode forbids them)`,
      );
      s.additionalProperties = false;
    }
    const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [];
    for (const k of required) {
      if (!hasOwn(original, k)) throw new Error(`the object at ${here(loc)} requires ${JSON.stringify(k)} but does not describe it in "properties"`);
    }
    if (!isObject(s.properties)) return;
    const props: Record<string, unknown> = {};
    for (const k of names) {
      const at = child(loc, k);
      let p = this.node(original[k], at);
      if (!required.includes(k)) {
        if (this.acceptsNull(original[k])) {
          this.changes.push(`made "${at}" required (it was optional; it already accepts null)`);
        } else {
          p = makeNullable(p);
          this.changes.push(`made "${at}" required and nullable (it was optional)`);
        }
      }
      setKey(props, k, p);
    }
    s.properties = props;
    const sameSet = required.length === names.length && names.every((k) => required.includes(k));
    if (!sameSet || !Array.isArray(s.required) || s.required.length !== names.length) s.required = names;
  }

  /** `prefixItems` (or array-form `items`) → `items` accepting any of the positions' schemas. */
  private tuple(s: Record<string, unknown>, loc: string): void {
    const fromPrefix = Array.isArray(s.prefixItems);
    const prefix = (fromPrefix ? s.prefixItems : s.items) as unknown[];
    const rest = fromPrefix ? s.items : s.additionalItems;
    const schemas: Record<string, unknown>[] = [];
    const add = (x: Record<string, unknown>) => {
      if (!schemas.some((y) => jsonEqual(x, y))) schemas.push(x);
    };
    prefix.forEach((p, i) => add(this.node(p, `${loc}[${i}]`)));
    if (rest !== undefined && rest !== true && rest !== false) add(this.node(rest, `${loc}[]`));
    if (schemas.length === 0) throw new Error(`the tuple at ${here(loc)} has no item schemas, which OpenAI strict mode cannot express`);
    delete s.prefixItems;
    delete s.additionalItems;
    s.items = schemas.length === 1 ? schemas[0] : { anyOf: schemas };
    // Without a schema for the rest, extra items are not expressible: cap at the tuple's length.
    if (rest === false || rest === true || rest === undefined) {
      const max = typeof s.maxItems === "number" ? Math.min(s.maxItems, prefix.length) : prefix.length;
      s.maxItems = max;
    }
    this.changes.push(
      `turned the tuple at ${here(loc)} into an array whose items may match any of its item schemas (OpenAI strict mode rejects ${fromPrefix ? "prefixItems" : "array-form items"})`,
    );
  }
}

/** Set `o[k]`, also for the key `__proto__` (a plain assignment would set the prototype). */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** `t` (a strict schema) accepting `null` too. */
function makeNullable(t: Record<string, unknown>): Record<string, unknown> {
  if (t.$ref === undefined && t.type === undefined && Array.isArray(t.anyOf)) {
    return t.anyOf.some((a) => isObject(a) && a.type === "null") ? t : { ...t, anyOf: [...t.anyOf, { type: "null" }] };
  }
  if (t.$ref === undefined && t.anyOf === undefined && (t.type !== undefined || Array.isArray(t.enum) || hasOwn(t, "const"))) {
    const out: Record<string, unknown> = { ...t };
    if (t.type !== undefined) {
      const names = typeNames(t.type) ?? [];
      if (!names.includes("null")) out.type = [...names, "null"];
    }
    if (hasOwn(t, "const")) {
      delete out.const;
      out.enum = [t.const, null];
    } else if (Array.isArray(t.enum) && !t.enum.includes(null)) {
      out.enum = [...t.enum, null];
    }
    return out;
  }
  return { anyOf: [t, { type: "null" }] };
}

/** Merge two schemas that must both hold (an `allOf`, or a `$ref` and its siblings) into one. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>, loc: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  const fail = (k: string): never => {
    throw new Error(`cannot merge the allOf/$ref at ${here(loc)} into one schema: its parts disagree on "${k}"`);
  };
  for (const k of Object.keys(b)) {
    const x = a[k];
    const y = b[k];
    if (!hasOwn(a, k)) {
      setKey(out, k, y);
      continue;
    }
    if (jsonEqual(x, y) || ANNOTATIONS.has(k)) continue;
    if (k === "properties" || k === "$defs" || k === "definitions") {
      if (!isObject(x) || !isObject(y)) fail(k);
      const m: Record<string, unknown> = { ...(x as Record<string, unknown>) };
      for (const [name, sub] of Object.entries(y as Record<string, unknown>)) {
        if (!hasOwn(m, name) || jsonEqual(m[name], sub)) setKey(m, name, sub);
        else if (k === "properties") setKey(m, name, { allOf: [m[name], sub] });
        else fail(`${k}.${name}`);
      }
      out[k] = m;
    } else if (k === "required") {
      const xs = Array.isArray(x) ? x : [];
      out[k] = [...xs, ...(Array.isArray(y) ? y.filter((r) => !xs.includes(r)) : [])];
    } else if (k === "type") {
      const xs = typeNames(x) ?? [];
      const ys = typeNames(y) ?? [];
      const both = new Set<string>();
      for (const t of xs) {
        if (ys.includes(t)) both.add(t);
        else if (t === "integer" && ys.includes("number")) both.add("integer");
        else if (t === "number" && ys.includes("integer")) both.add("integer");
      }
      if (both.size === 0) throw new Error(`the allOf/$ref at ${here(loc)} can never be satisfied: its parts have types ${JSON.stringify(x)} and ${JSON.stringify(y)}`);
      out[k] = both.size === 1 ? [...both][0] : [...both];
    } else if (k === "enum") {
      if (!Array.isArray(x) || !Array.isArray(y)) fail(k);
      const both = (x as unknown[]).filter((e) => (y as unknown[]).some((f) => jsonEqual(e, f)));
      if (both.length === 0) throw new Error(`the allOf/$ref at ${here(loc)} can never be satisfied: its parts' enums have no value in common`);
      out[k] = both;
    } else if (LOWER_BOUNDS.has(k) && typeof x === "number" && typeof y === "number") {
      out[k] = Math.max(x, y);
    } else if (UPPER_BOUNDS.has(k) && typeof x === "number" && typeof y === "number") {
      out[k] = Math.min(x, y);
    } else if (k === "additionalProperties") {
      out[k] = x === false || y === false ? false : x === true ? y : y === true ? x : { allOf: [x, y] };
    } else if (k === "items" && !Array.isArray(x) && !Array.isArray(y)) {
      out[k] = { allOf: [x, y] };
    } else if (k === "uniqueItems") {
      out[k] = x === true || y === true;
    } else {
      fail(k);
    }
  }
  return out;
}

/**
 * Walks an answer alongside the original schema and removes the `null`s strictness forced into
 * properties that were optional (and did not accept `null`) in the original.
 */
class Restorer {
  private readonly acceptsNullCache = new WeakMap<object, boolean>();

  constructor(private readonly root: Record<string, unknown>) {}

  private acceptsNull(schema: unknown): boolean {
    return acceptsNull(this.root, schema, this.acceptsNullCache);
  }

  /** Would `value`, once restored, match `schema` (the original)? Chooses among alternatives. */
  private fits(schema: unknown, value: unknown): boolean {
    if (typeof schema === "boolean") return schema;
    if (!isObject(schema)) return true;
    return validateSubschema(this.root, schema, value, { optionalNullIsAbsent: true }).length === 0;
  }

  restore(schema: unknown, value: unknown): unknown {
    try {
      return this.walk([schema], value);
    } catch {
      // Only a value nested deeper than the stack allows (or a cyclic one) gets here. Hand it back
      // as it is: validating it against the original schema will say what is wrong.
      return value;
    }
  }

  private walk(schemas: unknown[], value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    // Every schema that applies to this value: follow $ref and allOf, and for each anyOf/oneOf
    // the first alternative the value fits.
    const all: Record<string, unknown>[] = [];
    const stack = [...schemas];
    const refs = new Set<unknown>();
    while (stack.length) {
      const s = stack.pop();
      if (!isObject(s)) continue;
      all.push(s);
      if (typeof s.$ref === "string") {
        const t = resolvePointer(this.root, s.$ref);
        if (!refs.has(t)) {
          refs.add(t);
          stack.push(t);
        }
      }
      if (Array.isArray(s.allOf)) stack.push(...s.allOf);
      for (const alts of [s.anyOf, s.oneOf]) {
        if (!Array.isArray(alts)) continue;
        const chosen = alts.find((alt) => this.fits(alt, value));
        if (chosen !== undefined) stack.push(chosen);
      }
    }

    if (Array.isArray(value)) {
      return value.map((item, i) => {
        const applicable: unknown[] = [];
        for (const s of all) {
          const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
          const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
          if (prefix && i < prefix.length) applicable.push(prefix[i]);
          else if (rest !== undefined) applicable.push(rest);
        }
        return this.walk(applicable, item);
      });
    }

    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      const item = obj[k];
      const applicable: unknown[] = [];
      let declared = false;
      let required = false;
      for (const s of all) {
        if (Array.isArray(s.required) && s.required.includes(k)) required = true;
        if (isObject(s.properties) && hasOwn(s.properties, k)) {
          declared = true;
          applicable.push(s.properties[k]);
        } else if (s.additionalProperties !== undefined && typeof s.additionalProperties !== "boolean") {
          applicable.push(s.additionalProperties);
        }
      }
      if (item === null && declared && !required && !applicable.every((p) => this.acceptsNull(p))) continue;
      setKey(out, k, this.walk(applicable, item));
    }
    return out;
  }
}
