/**
 * A minimal valid instance of a JSON Schema: the least a grammar-constrained server (OpenAI's structured
 * outputs, vLLM's xgrammar, llama.cpp's GBNF, Ollama's `format`) can answer. The simulator gives it when
 * a request asks for `json_schema` and no reply is scripted, so `parse()` works against it out of the box.
 *
 * Required properties only (plus what `minProperties` asks for); strings from `const`/`enum`, a known
 * `format`, or the given text; numbers inside `minimum`/`maximum`/`exclusive*`, on `multipleOf`; arrays
 * of `minItems` (distinct items under `uniqueItems`); `anyOf`/`oneOf` take their first branch that is not
 * `null`; `allOf` is merged; `$ref` resolves in the root (`#`, `#/$defs/…`, `#/definitions/…`); nullable
 * values are never null. A `pattern` is honoured only when one of a few plain candidates matches it.
 * Pure: no Node APIs.
 */

type Schema = Record<string, unknown>;

/** What strings are made of. */
export interface InstanceText {
  /** A string value [`"sim"`]. */
  text?: string;
  /** The `reply` of an object that declares no properties (json mode, a schema accepting any object) [`text`]. */
  reply?: string;
}

const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const MAX_DEPTH = 32;

/**
 * A minimal value valid against `schema`.
 *
 * @example
 * schemaInstance({ type: "object", properties: { race: { enum: ["elf", "dwarf"] } }, required: ["race"] }); // { race: "elf" }
 */
export function schemaInstance(schema: unknown, text: InstanceText = {}): unknown {
  const t = text.text || "sim";
  return make({ root: schema, text: t, reply: text.reply ?? t }, schema, 0, 0);
}

interface Ctx {
  root: unknown;
  text: string;
  reply: string;
}

function resolveRef(root: unknown, ref: string): unknown {
  if (ref === "#" || ref === "") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObject(at) && Object.prototype.hasOwnProperty.call(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

/** Two schemas as one (for `allOf`, and a branch with the keywords beside its `anyOf`): properties and `required` united, the first word wins elsewhere. */
function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b, ...a };
  if (isObject(a.properties) || isObject(b.properties)) out.properties = { ...(b.properties as Schema), ...(a.properties as Schema) };
  if (Array.isArray(a.required) || Array.isArray(b.required)) out.required = [...new Set([...((a.required as unknown[]) ?? []), ...((b.required as unknown[]) ?? [])])];
  return out;
}

/** Only `null` satisfies it: never the branch to take when another exists. */
function onlyNull(s: unknown): boolean {
  if (!isObject(s)) return false;
  if (s.type === "null" || (Array.isArray(s.type) && s.type.length > 0 && s.type.every((x) => x === "null"))) return true;
  if ("const" in s && s.const === null) return true;
  return Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((x) => x === null);
}

/** The schema with `$ref`, `allOf` and `anyOf`/`oneOf` resolved to one plain schema. */
function flatten(ctx: Ctx, schema: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return {}; // an allOf/anyOf that refers back to itself
  let s = schema;
  for (let hops = 0; isObject(s) && hops < MAX_DEPTH; hops++) {
    const { $ref, allOf, anyOf, oneOf, ...rest } = s;
    if (typeof $ref === "string") {
      const target = resolveRef(ctx.root, $ref);
      s = isObject(target) ? merge(rest, target) : target === undefined ? rest : target;
      if (Array.isArray(allOf)) s = isObject(s) ? { ...s, allOf } : s;
      if (Array.isArray(anyOf ?? oneOf) && isObject(s)) s = { ...s, anyOf: anyOf ?? oneOf };
      continue;
    }
    if (Array.isArray(allOf)) {
      let m: Schema = { ...rest };
      if (Array.isArray(anyOf ?? oneOf)) m.anyOf = anyOf ?? oneOf;
      for (const sub of allOf) {
        const f = flatten(ctx, sub, depth + 1);
        if (isObject(f)) m = merge(m, f);
      }
      s = m;
      continue;
    }
    const alts = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
    if (alts && alts.length) {
      // A nullable value is answered with the value, not with null.
      const pick = alts.find((a) => !onlyNull(a)) ?? alts[0];
      const f = flatten(ctx, pick, depth + 1);
      s = isObject(f) ? merge(rest, f) : f;
      continue;
    }
    return s;
  }
  return s;
}

function make(ctx: Ctx, schema: unknown, depth: number, variant: number): unknown {
  if (depth > MAX_DEPTH) return null;
  const s = flatten(ctx, schema, depth);
  if (s === false) return null; // nothing is valid; say so with the least
  if (!isObject(s)) return ctx.text;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) {
    const values = s.enum.filter((x) => x !== null);
    return values.length ? values[variant % values.length] : null;
  }
  switch (typeOf(s)) {
    case "null": return null;
    case "boolean": return variant % 2 === 0;
    case "integer": return numberIn(s, true, variant);
    case "number": return numberIn(s, false, variant);
    case "array": return arrayOf(ctx, s, depth, variant);
    case "object": return objectOf(ctx, s, depth, variant);
    default: return stringFor(ctx, s, variant);
  }
}

/** The type to answer with: the first that is not `null`, else what the keywords present imply. */
function typeOf(s: Schema): string {
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as unknown[]).filter((x): x is string => typeof x === "string") : [];
  const t = types.find((x) => x !== "null") ?? types[0];
  if (t) return t;
  if ("properties" in s || "required" in s || "additionalProperties" in s || "patternProperties" in s || "minProperties" in s) return "object";
  if ("items" in s || "prefixItems" in s || "minItems" in s || "contains" in s) return "array";
  if ("minimum" in s || "maximum" in s || "exclusiveMinimum" in s || "exclusiveMaximum" in s || "multipleOf" in s) return "number";
  return "string";
}

const FORMATS: Record<string, string> = {
  "date-time": "2025-01-01T00:00:00Z",
  date: "2025-01-01",
  time: "00:00:00Z",
  duration: "PT1S",
  email: "sim@example.com",
  "idn-email": "sim@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  uri: "https://example.com/",
  url: "https://example.com/",
  "uri-reference": "https://example.com/",
  iri: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/** A `pattern` as JSON Schema reads it (Unicode-aware), else as written; undefined when it does not compile. */
function compile(pattern: string): RegExp | undefined {
  for (const flags of ["u", ""]) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try without the flag, as the validator does
    }
  }
  return undefined;
}

/** Plain strings to try when the text does not match a `pattern`. */
const PATTERN_TRIES = ["a", "A", "0", "1", "abc", "ABC", "a1", "sim", "x-1", "2025-01-01", "sim@example.com", "https://example.com/"];

function stringFor(ctx: Ctx, s: Schema, variant: number): string {
  const fmt = typeof s.format === "string" ? FORMATS[s.format] : undefined;
  let out = fmt ?? (variant ? `${ctx.text} ${variant + 1}` : ctx.text);
  if (typeof s.pattern === "string") {
    const re = compile(s.pattern);
    if (re && !re.test(out)) out = PATTERN_TRIES.find((c) => re.test(c)) ?? out;
  }
  const chars = Array.from(out);
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Infinity;
  while (chars.length < min) chars.push(chars.length % 2 ? "." : "x");
  return chars.slice(0, Math.max(max, 0)).join("");
}

function numberIn(s: Schema, integer: boolean, variant: number): number {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  // The number form of exclusiveMinimum/Maximum, and the draft-4 boolean form beside minimum/maximum.
  let lo = num(s.minimum), hi = num(s.maximum);
  let loX = s.exclusiveMinimum === true, hiX = s.exclusiveMaximum === true;
  const xlo = num(s.exclusiveMinimum), xhi = num(s.exclusiveMaximum);
  if (xlo !== undefined && (lo === undefined || xlo >= lo)) [lo, loX] = [xlo, true];
  if (xhi !== undefined && (hi === undefined || xhi <= hi)) [hi, hiX] = [xhi, true];
  const m = num(s.multipleOf);
  const unit = m !== undefined && m > 0 ? m : integer ? 1 : undefined;
  const fits = (v: number) => (lo === undefined || (loX ? v > lo : v >= lo)) && (hi === undefined || (hiX ? v < hi : v <= hi));
  let v = 0;
  if (!fits(v) && lo !== undefined) {
    if (unit) {
      v = Math.ceil(lo / unit - 1e-9) * unit;
      if (loX && v <= lo) v += unit;
    } else v = loX ? (hi !== undefined ? (lo + hi) / 2 : lo + 1) : lo;
  } else if (!fits(v) && hi !== undefined) {
    if (unit) {
      v = Math.floor(hi / unit + 1e-9) * unit;
      if (hiX && v >= hi) v -= unit;
    } else v = hiX ? hi - 1 : hi;
  }
  if (integer && !Number.isInteger(v)) v = Math.ceil(v);
  // Distinct values for distinct array items, while they stay in range.
  const next = v + variant * (unit ?? 1);
  if (variant && fits(next)) v = next;
  return Number(v.toPrecision(15));
}

function arrayOf(ctx: Ctx, s: Schema, depth: number, variant: number): unknown[] {
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
  const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
  let n = typeof s.minItems === "number" ? s.minItems : 0;
  if (s.contains !== undefined && n === 0) n = 1;
  if (rest === false) n = Math.min(n, prefix.length);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const item = i < prefix.length ? prefix[i] : i === 0 && s.contains !== undefined ? s.contains : rest;
    out.push(make(ctx, item ?? true, depth + 1, variant + i));
  }
  return out;
}

function objectOf(ctx: Ctx, s: Schema, depth: number, variant: number): Record<string, unknown> {
  const props = isObject(s.properties) ? s.properties : {};
  const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
  const extra = s.additionalProperties;
  const schemaOf = (key: string): unknown => {
    if (key in props) return props[key];
    for (const [p, sub] of patterns) if (compile(p)?.test(key)) return sub;
    return isObject(extra) ? extra : true;
  };
  const out: Record<string, unknown> = {};
  const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [];
  for (const k of required) out[k] = make(ctx, schemaOf(k), depth + 1, variant);
  const minP = typeof s.minProperties === "number" ? s.minProperties : 0;
  for (const k of Object.keys(props)) {
    if (Object.keys(out).length >= minP) break;
    if (!(k in out)) out[k] = make(ctx, props[k], depth + 1, variant);
  }
  // An object of any shape (json mode, `{type: "object"}`): say something, as a model would.
  const open = Object.keys(props).length === 0 && patterns.length === 0 && (extra === undefined || extra === true);
  if (open && required.length === 0 && !(typeof s.maxProperties === "number" && s.maxProperties < 1)) out.reply = ctx.reply;
  for (let i = 1; Object.keys(out).length < minP && extra !== false && i <= minP; i++) out[`extra${i}`] = make(ctx, schemaOf(`extra${i}`), depth + 1, variant);
  return out;
}
