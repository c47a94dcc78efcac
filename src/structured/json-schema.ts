/**
 * A small validator for the JSON Schema subset that structured-output servers accept (OpenAI,
 * vLLM/xgrammar/outlines, llama.cpp grammars, Ollama): enough to check a model's answer against the
 * schema it was asked to follow, with messages a model can act on when asked to fix its output.
 *
 * Keywords: `type` (string or array; `"integer"`, `"null"`), `properties`, `required`,
 * `additionalProperties` (boolean or schema), `patternProperties`, `items` (a schema; the older
 * array form is read as `prefixItems` + `additionalItems`), `prefixItems`, `enum`, `const`,
 * `anyOf`, `oneOf`, `allOf`, OpenAPI's `nullable: true`, `minimum`/`maximum`/`exclusiveMinimum`/
 * `exclusiveMaximum` (number form; the draft-4 boolean form is honoured too), `multipleOf`,
 * `minLength`/`maxLength` (Unicode code points), `pattern`, `minItems`/`maxItems`, `uniqueItems`,
 * `minProperties`/`maxProperties`, `$ref` to `#` or a JSON pointer into the root document
 * (`#/$defs/…`, `#/definitions/…`). `format` and every other keyword are ignored.
 *
 * Pure: no dependencies, no Node APIs, no `eval`; never throws.
 */

export type JsonSchema = Record<string, unknown> | boolean;

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

/** [] when `value` satisfies `schema`. */
export function validateJsonSchema(schema: JsonSchema, value: unknown): SchemaIssue[] {
  return validateSubschema(schema, schema, value);
}

/**
 * Validate `value` against `schema`, a part of the document `root` (which `$ref`s resolve in).
 * Used by the strict-schema helpers; `validateJsonSchema(s, v)` is `validateSubschema(s, s, v)`.
 * @internal
 */
export function validateSubschema(
  root: JsonSchema,
  schema: JsonSchema,
  value: unknown,
  options: { optionalNullIsAbsent?: boolean } = {},
): SchemaIssue[] {
  const ctx: Ctx = { root, refs: new Map(), nullIsAbsent: options.optionalNullIsAbsent === true };
  const out: Issue[] = [];
  try {
    check(ctx, schema, value, [], out, undefined);
  } catch (e) {
    // Only reachable through values no JSON text produces (cycles) or nesting deep enough to
    // exhaust the stack. The promise is "never throws", so say what happened instead.
    return [{ path: [], message: `could not be validated: ${e instanceof RangeError ? "it is nested too deeply" : String(e)}` }];
  }
  return out.map((i) => ({ path: i.path, message: i.message }));
}

// ---------------------------------------------------------------------------------------------
// Internals

interface Ctx {
  root: JsonSchema;
  /** Resolved `$ref` targets by reference string (`null`: does not resolve). */
  refs: Map<string, JsonSchema | null>;
  /**
   * Read a `null` in an optional property whose schema rejects `null` as if the property were
   * absent (what `strictifySchema`'s `restore` does to a strict answer). Off for plain validation.
   */
  nullIsAbsent: boolean;
}

/**
 * An issue plus how "shallow" it is: `kind` is set for issues that say the value at `path` is the
 * wrong kind of thing altogether (wrong type, not the const / an enum member). `anyOf`/`oneOf`
 * use it to pick the closest alternative.
 */
interface Issue extends SchemaIssue {
  kind?: "type" | "value";
}

type Path = (string | number)[];

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === "boolean" || isObject(v);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function push(out: Issue[], path: Path, message: string, kind?: Issue["kind"]): void {
  const issue: Issue = { path: path.slice(), message };
  if (kind) issue.kind = kind;
  out.push(issue);
}

/** "a string", "an object", "null": the JSON kind of a value, for messages. */
function describeKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof v}`;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

function hasType(t: string, v: unknown): boolean {
  switch (t) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "null":
      return v === null;
    default:
      return true;
  }
}

/** The known type names a `type` keyword lists (unknown names are ignored). */
function typeList(t: unknown): string[] | undefined {
  const raw = typeof t === "string" ? [t] : Array.isArray(t) ? t : undefined;
  if (!raw) return undefined;
  const names: string[] = [];
  for (const n of raw) {
    if (typeof n !== "string") continue;
    const lower = n.toLowerCase();
    if (hasOwn(TYPE_NAMES, lower) && !names.includes(lower)) names.push(lower);
  }
  return names.length ? names : undefined;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** JSON text of a value for messages, cut short when long. */
function show(v: unknown, max = 60): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Deep equality of JSON values (key order ignored, `0` equals `-0`). @internal */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!hasOwn(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A string equal for equal JSON values (object keys sorted), for `uniqueItems`. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  }
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  return JSON.stringify(v) ?? "undefined";
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// Compiled patterns, shared across calls (schemas are reused for every answer). Bounded.
const patterns = new Map<string, RegExp | string>();

/**
 * The RegExp for a `pattern`, or the reason it does not compile. Compiled with the `u` flag (as
 * JSON Schema asks: patterns are Unicode-aware); a pattern only valid without it (e.g. `\_`, an
 * identity escape Python and PCRE accept) is compiled without it rather than reported, since the
 * server that enforced it accepted it.
 */
function compilePattern(p: string): RegExp | string {
  let r = patterns.get(p);
  if (r !== undefined) return r;
  try {
    r = new RegExp(p, "u");
  } catch (e) {
    try {
      r = new RegExp(p);
    } catch {
      r = e instanceof Error ? e.message : String(e);
    }
  }
  if (patterns.size >= 500) patterns.clear();
  patterns.set(p, r);
  return r;
}

/** Resolve `#` or `#/a/b` (a JSON pointer, `~0`/`~1` and %-escapes decoded) in `root`; undefined when it does not resolve. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (ref === "#" || ref === "") return root;
  if (!ref.startsWith("#/")) return undefined;
  let target: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    let key: string;
    try {
      key = decodeURIComponent(raw);
    } catch {
      key = raw;
    }
    key = key.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(target) && /^(0|[1-9][0-9]*)$/.test(key)) target = target[Number(key)];
    else if (isObject(target) && hasOwn(target, key)) target = target[key];
    else return undefined;
  }
  return target;
}

/** Whether a (sub)schema of `root` accepts `null`; answers cached per schema object. */
export function acceptsNull(root: JsonSchema, schema: unknown, cache: WeakMap<object, boolean>): boolean {
  if (typeof schema === "boolean") return schema;
  if (!isObject(schema)) return true;
  let r = cache.get(schema);
  if (r === undefined) {
    r = validateSubschema(root, schema, null).length === 0;
    cache.set(schema, r);
  }
  return r;
}

function resolveRef(ctx: Ctx, ref: string): JsonSchema | null {
  const cached = ctx.refs.get(ref);
  if (cached !== undefined) return cached;
  const target = resolvePointer(ctx.root, ref);
  const resolved = isSchema(target) ? target : null;
  ctx.refs.set(ref, resolved);
  return resolved;
}

/**
 * Check `value` (at `path`) against `schema`, appending issues to `out`. `seen` holds the schemas
 * reached through `$ref` for this same value: reaching one again means a `$ref` cycle that never
 * looks at a smaller value, which would otherwise loop forever.
 */
function check(ctx: Ctx, schema: unknown, value: unknown, path: Path, out: Issue[], seen: Set<unknown> | undefined): void {
  if (schema === false) {
    push(out, path, "no value is allowed here", "type");
    return;
  }
  if (!isObject(schema)) return; // `true`, and non-schemas (ignored like unknown keywords)
  const s = schema;

  if (value === null && s.nullable === true) return; // OpenAPI 3.0

  if (typeof s.$ref === "string") {
    const target = resolveRef(ctx, s.$ref);
    if (target === null) {
      push(out, path, `schema error: $ref ${show(s.$ref)} does not resolve in this schema`);
    } else if (seen?.has(target)) {
      push(out, path, `schema error: $ref ${show(s.$ref)} loops back without checking the value`);
    } else {
      const next = new Set(seen);
      next.add(target);
      check(ctx, target, value, path, out, next);
    }
  }

  const types = typeList(s.type);
  if (types && !types.some((t) => hasType(t, value))) {
    const got =
      types.includes("integer") && typeof value === "number" && !types.includes("number") ? String(value) : describeKind(value);
    push(out, path, `expected ${orList(types.map((t) => TYPE_NAMES[t]!))}, got ${got}`, "type");
    // Keywords for other kinds do not apply; the combinators below still say something useful
    // only when the type was right, so stop here.
    return;
  }

  if (hasOwn(s, "const") && !jsonEqual(s.const, value)) {
    push(out, path, `must be ${show(s.const)}`, "value");
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value))) {
    const shown = s.enum.slice(0, 20).map((e) => show(e, 40));
    const more = s.enum.length > 20 ? `, … (${s.enum.length} values)` : "";
    push(out, path, `must be one of ${shown.join(", ")}${more}`, "value");
  }

  if (typeof value === "number") checkNumber(s, value, path, out);
  else if (typeof value === "string") checkString(s, value, path, out);
  else if (Array.isArray(value)) checkArray(ctx, s, value, path, out);
  else if (isObject(value)) checkObject(ctx, s, value, path, out);

  if (Array.isArray(s.allOf)) for (const sub of s.allOf) check(ctx, sub, value, path, out, seen);
  if (Array.isArray(s.anyOf)) checkAlternatives(ctx, s.anyOf, value, path, out, seen, false);
  if (Array.isArray(s.oneOf)) checkAlternatives(ctx, s.oneOf, value, path, out, seen, true);
}

function checkNumber(s: Record<string, unknown>, v: number, path: Path, out: Issue[]): void {
  const min = num(s.minimum);
  const max = num(s.maximum);
  if (min !== undefined) {
    if (s.exclusiveMinimum === true ? v <= min : v < min) push(out, path, `must be ${s.exclusiveMinimum === true ? ">" : ">="} ${min}, got ${v}`);
  }
  if (max !== undefined) {
    if (s.exclusiveMaximum === true ? v >= max : v > max) push(out, path, `must be ${s.exclusiveMaximum === true ? "<" : "<="} ${max}, got ${v}`);
  }
  const xmin = num(s.exclusiveMinimum);
  if (xmin !== undefined && v <= xmin) push(out, path, `must be > ${xmin}, got ${v}`);
  const xmax = num(s.exclusiveMaximum);
  if (xmax !== undefined && v >= xmax) push(out, path, `must be < ${xmax}, got ${v}`);
  const m = num(s.multipleOf);
  if (m !== undefined && m > 0 && Number.isFinite(v)) {
    const q = v / m;
    // Tolerate binary rounding: 0.3 is a multiple of 0.1 although 0.3 / 0.1 is 2.9999999999999996.
    if (!Number.isInteger(q) && Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) {
      push(out, path, `must be a multiple of ${m}, got ${v}`);
    }
  }
}

function checkString(s: Record<string, unknown>, v: string, path: Path, out: Issue[]): void {
  const minL = count(s.minLength);
  const maxL = count(s.maxLength);
  if (minL !== undefined || maxL !== undefined) {
    const n = codePoints(v);
    if (minL !== undefined && n < minL) push(out, path, `must be at least ${minL} character${minL === 1 ? "" : "s"} long, got ${n}`);
    if (maxL !== undefined && n > maxL) push(out, path, `must be at most ${maxL} character${maxL === 1 ? "" : "s"} long, got ${n}`);
  }
  if (typeof s.pattern === "string") {
    const re = compilePattern(s.pattern);
    if (typeof re === "string") push(out, path, `schema error: pattern ${show(s.pattern)} is not a valid regular expression (${re})`);
    else if (!re.test(v)) push(out, path, `must match the pattern ${show(s.pattern, 200)}`);
  }
}

function checkArray(ctx: Ctx, s: Record<string, unknown>, v: unknown[], path: Path, out: Issue[]): void {
  const minI = count(s.minItems);
  const maxI = count(s.maxItems);
  if (minI !== undefined && v.length < minI) push(out, path, `must have at least ${minI} item${minI === 1 ? "" : "s"}, got ${v.length}`);
  if (maxI !== undefined && v.length > maxI) push(out, path, `must have at most ${maxI} item${maxI === 1 ? "" : "s"}, got ${v.length}`);

  // Draft 2020-12 `prefixItems` + `items`, or the older array-form `items` + `additionalItems`.
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
  const limit = prefix ? prefix.length : 0;
  const n = Math.min(limit, v.length);
  for (let i = 0; i < n; i++) {
    path.push(i);
    check(ctx, prefix![i], v[i], path, out, undefined);
    path.pop();
  }
  if (rest === false && v.length > limit) {
    push(out, path, `must have at most ${limit} item${limit === 1 ? "" : "s"}, got ${v.length}`);
  } else if (isSchema(rest) && rest !== true) {
    for (let i = n; i < v.length; i++) {
      path.push(i);
      check(ctx, rest, v[i], path, out, undefined);
      path.pop();
    }
  }

  if (s.uniqueItems === true && v.length > 1) {
    const firstAt = new Map<string, number>();
    for (let i = 0; i < v.length; i++) {
      const key = canonical(v[i]);
      const j = firstAt.get(key);
      if (j !== undefined) {
        push(out, path, `items must be unique, but items ${j} and ${i} are equal`);
        break;
      }
      firstAt.set(key, i);
    }
  }
}

function checkObject(ctx: Ctx, s: Record<string, unknown>, v: Record<string, unknown>, path: Path, out: Issue[]): void {
  const props = isObject(s.properties) ? s.properties : undefined;
  if (Array.isArray(s.required)) {
    for (const k of s.required) {
      if (typeof k === "string" && (!hasOwn(v, k) || v[k] === undefined)) push(out, path, `missing required property ${show(k, 200)}`);
    }
  }
  let keys = Object.keys(v);
  if (ctx.nullIsAbsent && props) {
    const req = Array.isArray(s.required) ? s.required : [];
    keys = keys.filter((k) => {
      if (v[k] !== null || !hasOwn(props, k) || req.includes(k)) return true;
      const probe: Issue[] = [];
      check(ctx, props[k], null, path, probe, undefined);
      return probe.length === 0;
    });
  }
  const minP = count(s.minProperties);
  const maxP = count(s.maxProperties);
  if (minP !== undefined || maxP !== undefined) {
    const n = keys.reduce((c, k) => (v[k] === undefined ? c : c + 1), 0);
    if (minP !== undefined && n < minP) push(out, path, `must have at least ${minP} propert${minP === 1 ? "y" : "ies"}, got ${n}`);
    if (maxP !== undefined && n > maxP) push(out, path, `must have at most ${maxP} propert${maxP === 1 ? "y" : "ies"}, got ${n}`);
  }
  const patternProps = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : undefined;
  const additional = s.additionalProperties;
  for (const k of keys) {
    const item = v[k];
    if (item === undefined) continue;
    let known = false;
    if (props && hasOwn(props, k)) {
      known = true;
      path.push(k);
      check(ctx, props[k], item, path, out, undefined);
      path.pop();
    }
    if (patternProps) {
      for (const [p, sub] of patternProps) {
        const re = compilePattern(p);
        if (typeof re !== "string" && re.test(k)) {
          known = true;
          path.push(k);
          check(ctx, sub, item, path, out, undefined);
          path.pop();
        }
      }
    }
    if (known || additional === undefined || additional === true) continue;
    if (additional === false) {
      push(out, path, `unexpected property ${show(k, 200)}`);
    } else {
      path.push(k);
      check(ctx, additional, item, path, out, undefined);
      path.pop();
    }
  }
}

/**
 * `anyOf` (`one` false) / `oneOf` (`one` true). When no alternative matches, report the closest
 * one's issues: alternatives that reject the value's type outright are far; among the rest, those
 * whose discriminating properties (const/enum) disagree are further; then fewer issues is closer.
 * When every alternative rejects the type, say which types were expected.
 */
function checkAlternatives(
  ctx: Ctx,
  alts: unknown[],
  value: unknown,
  path: Path,
  out: Issue[],
  seen: Set<unknown> | undefined,
  one: boolean,
): void {
  if (alts.length === 0) return;
  const depth = path.length;
  let matched = -1;
  let best: Issue[] | undefined;
  let bestScore: [number, number, number] | undefined;
  for (let i = 0; i < alts.length; i++) {
    const issues: Issue[] = [];
    check(ctx, alts[i], value, path, issues, seen);
    if (issues.length === 0) {
      if (!one) return;
      if (matched >= 0) {
        push(out, path, `matches more than one of the ${alts.length} alternatives (${matched + 1} and ${i + 1}); it must match exactly one`);
        return;
      }
      matched = i;
      continue;
    }
    let far = 0;
    let discriminators = 0;
    for (const issue of issues) {
      if (!issue.kind) continue;
      if (issue.path.length === depth) far = 1;
      else if (issue.path.length === depth + 1) discriminators++;
    }
    const score: [number, number, number] = [far, discriminators, issues.length];
    if (!bestScore || less(score, bestScore)) {
      bestScore = score;
      best = issues;
    }
  }
  if (matched >= 0 || !best || !bestScore) return;
  if (bestScore[0] === 0 || alts.length === 1) {
    for (const issue of best) out.push(issue);
    return;
  }
  // Every alternative rejects the value itself (its type, or its value). Summarise.
  const expected: string[] = [];
  const allowed: unknown[] = [];
  let byType = true;
  let byValue = true;
  for (const alt of alts) {
    const a = isObject(alt) ? alt : undefined;
    const t = a ? typeList(a.type) : undefined;
    if (t) {
      for (const name of t) if (!expected.includes(TYPE_NAMES[name]!)) expected.push(TYPE_NAMES[name]!);
    } else {
      byType = false;
    }
    if (a && hasOwn(a, "const")) allowed.push(a.const);
    else if (a && Array.isArray(a.enum)) allowed.push(...a.enum);
    else byValue = false;
  }
  if (byType && !expected.includes(describeKind(value)) && !(typeof value === "number" && expected.includes("a number"))) {
    push(out, path, `expected ${orList(expected)}, got ${describeKind(value)}`, "type");
  } else if (byValue && allowed.length) {
    const shown = allowed.slice(0, 20).map((e) => show(e, 40));
    const more = allowed.length > 20 ? `, … (${allowed.length} values)` : "";
    push(out, path, `must be one of ${shown.join(", ")}${more}`, "value");
  } else {
    push(out, path, `matches none of the ${alts.length} alternatives`, "type");
  }
}

function less(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
