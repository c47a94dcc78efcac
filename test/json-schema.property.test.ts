import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateJsonSchema, type JsonSchema } from "../src/structured/json-schema.js";
import { strictifySchema } from "../src/structured/strict-schema.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const jsonValues = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3, stringUnit: "binary" }));

// --- (a) a schema generated from a value accepts that value -----------------------------------

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `^…$` matching exactly `s` (escaped for a `u` RegExp). */
function exactPattern(s: string): string {
  return `^${s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")}$`;
}

function distinct(items: unknown[]): boolean {
  const keys = items.map((x) => JSON.stringify(sortKeys(x)));
  return new Set(keys).size === keys.length;
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (isObj(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])]));
  return typeof x === "number" && Object.is(x, -0) ? 0 : x;
}

/**
 * A schema describing `v`: its exact types and required keys, recursively, plus a choice of extra
 * keywords `v` also satisfies (bounds, lengths, patterns, enum/const, $ref, allOf/anyOf wrappers),
 * picked by `choices`. `plain` keeps to types, required, additionalProperties: false and closed
 * tuples, so that changing any leaf of `v` to another type must be reported at that leaf.
 */
function schemaFrom(v: unknown, choices: number[], plain: boolean): Obj {
  let at = 0;
  const pick = (n: number) => (choices.length ? choices[at++ % choices.length]! % n : 0);
  const defs: Obj = {};
  const build = (x: unknown): Obj => {
    let s: Obj;
    if (x === null) {
      s = plain ? { type: "null" } : [{ type: "null" }, { const: null }, { enum: ["x", null] }, { type: ["string", "null"] }, { type: "string", nullable: true }][pick(5)]!;
    } else if (typeof x === "boolean") {
      s = plain ? { type: "boolean" } : [{ type: "boolean" }, { const: x }, { enum: [!x, x] }][pick(3)]!;
    } else if (typeof x === "number") {
      s = { type: Number.isInteger(x) ? "integer" : "number" };
      if (!plain) {
        const c = pick(4);
        if (c === 1) Object.assign(s, { minimum: x, maximum: x });
        if (c === 2 && x !== 0) Object.assign(s, { multipleOf: Math.abs(x) });
        if (c === 3) Object.assign(s, { type: "number", enum: [x] });
      }
    } else if (typeof x === "string") {
      s = { type: "string" };
      if (!plain) {
        const c = pick(4);
        const n = codePointLength(x);
        if (c === 1) Object.assign(s, { minLength: n, maxLength: n });
        if (c === 2) Object.assign(s, { pattern: exactPattern(x) });
        if (c === 3) Object.assign(s, { const: x });
      }
    } else if (Array.isArray(x)) {
      const items = x.map(build);
      const c = plain ? 0 : pick(3);
      if (c === 0) s = { type: "array", prefixItems: items, items: false, minItems: x.length };
      else if (c === 1) s = { type: "array", items: items.length ? { anyOf: items } : { type: "null" }, minItems: x.length, maxItems: x.length };
      else s = { type: "array", items: items, additionalItems: false };
      if (!plain && distinct(x)) s.uniqueItems = true;
    } else if (isObj(x)) {
      const keys = Object.keys(x);
      const properties = Object.fromEntries(keys.map((k) => [k, build(x[k])]));
      s = { type: "object", properties, required: keys, additionalProperties: false };
      if (!plain) {
        const c = pick(3);
        if (c === 1) Object.assign(s, { minProperties: keys.length, maxProperties: keys.length });
        if (c === 2) s.additionalProperties = { type: "null" }; // there are no other keys to check
      }
    } else {
      throw new Error(`not JSON: ${String(x)}`);
    }
    if (plain) return s;
    switch (pick(5)) {
      case 1: {
        const name = `d${Object.keys(defs).length}`;
        defs[name] = s;
        return { $ref: `#/$defs/${name}` };
      }
      case 2:
        return { allOf: [s, {}] };
      case 3:
        return { anyOf: [false, s] };
      case 4:
        return { oneOf: [s, false] };
      default:
        return s;
    }
  };
  const root = build(v);
  return Object.keys(defs).length ? { ...root, $defs: defs } : root;
}

test("property: a schema generated from a JSON value accepts that value", () => {
  fc.assert(
    fc.property(jsonValues, fc.array(fc.nat(), { maxLength: 40 }), (v, choices) => {
      const schema = schemaFrom(v, choices, false);
      assert.deepEqual(validateJsonSchema(schema, v), [], JSON.stringify(schema));
    }),
    { numRuns: 400 },
  );
});

/** Every path to a leaf (a primitive, or an empty array/object) of `v`. */
function leaves(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v) && v.length) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (isObj(v) && Object.keys(v).length) return Object.keys(v).flatMap((k) => leaves(v[k], [...path, k]));
  return [path];
}

function replaceAt(v: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? replaceAt(x, rest, by) : x));
  const o = v as Obj;
  return Object.fromEntries(Object.keys(o).map((k) => [k, k === head ? replaceAt(o[k], rest, by) : o[k]]));
}

const kindOf = (x: unknown) => (x === null ? "null" : Array.isArray(x) ? "array" : typeof x);

test("property: changing a leaf to another type is reported at that leaf's path", () => {
  const replacements: unknown[] = [null, true, 1.5, "s", [], {}];
  fc.assert(
    fc.property(jsonValues, fc.nat(), fc.nat(), (v, which, by) => {
      const schema = schemaFrom(v, [], true);
      const all = leaves(v);
      const path = all[which % all.length]!;
      let old: unknown = v;
      for (const k of path) old = (old as Obj)[k as string];
      const candidates = replacements.filter((r) => kindOf(r) !== kindOf(old));
      const mutated = replaceAt(v, path, candidates[by % candidates.length]);
      const issues = validateJsonSchema(schema, mutated);
      assert.ok(
        issues.some((i) => JSON.stringify(i.path) === JSON.stringify(path) && /^expected /.test(i.message)),
        `${JSON.stringify(path)} not in ${JSON.stringify(issues)}`,
      );
    }),
    { numRuns: 300 },
  );
});

// Random schemas, including nonsense in keyword positions, cycles and invalid patterns.
const { schema: anySchema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.boolean(),
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("string", "number", "integer", "boolean", "object", "array", "null", "date"),
          fc.array(fc.constantFrom("string", "null", "integer", "object", 7)),
          fc.anything(),
        ),
        properties: fc.dictionary(fc.constantFrom("a", "b", "__proto__", "toString"), tie("schema"), { maxKeys: 3 }),
        required: fc.oneof(fc.array(fc.constantFrom("a", "b", "toString", "c")), fc.anything()),
        additionalProperties: tie("schema"),
        patternProperties: fc.dictionary(fc.constantFrom("^a", "(", "b$"), tie("schema"), { maxKeys: 2 }),
        items: fc.oneof(tie("schema"), fc.array(tie("schema"), { maxLength: 2 })),
        prefixItems: fc.oneof(fc.array(tie("schema"), { maxLength: 3 }), fc.anything()),
        additionalItems: tie("schema"),
        enum: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.anything()),
        const: fc.jsonValue({ maxDepth: 2 }),
        anyOf: fc.array(tie("schema"), { maxLength: 3 }),
        oneOf: fc.array(tie("schema"), { maxLength: 3 }),
        allOf: fc.array(tie("schema"), { maxLength: 3 }),
        nullable: fc.anything(),
        minimum: fc.oneof(fc.double(), fc.anything()),
        maximum: fc.double(),
        exclusiveMinimum: fc.oneof(fc.double(), fc.boolean()),
        exclusiveMaximum: fc.oneof(fc.double(), fc.boolean()),
        multipleOf: fc.oneof(fc.double(), fc.constantFrom(0, -1, 0.1, 1e-320)),
        minLength: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.anything()),
        maxLength: fc.integer({ min: -2, max: 5 }),
        pattern: fc.oneof(fc.constantFrom("(", "[", "\\", "^a", "\\p{L}", "(?<=a)b", "\\_", "a{2,1}", "^$"), fc.string(), fc.anything()),
        minItems: fc.nat(4),
        maxItems: fc.integer({ min: -1, max: 4 }),
        uniqueItems: fc.anything(),
        minProperties: fc.nat(3),
        maxProperties: fc.nat(3),
        $ref: fc.oneof(fc.constantFrom("#", "#/$defs/a", "#/definitions/b", "#/properties/a", "#/anyOf/0", "#/nope", "http://x", "#/$defs/a~1", "#/%zz", ""), fc.anything()),
        $defs: fc.dictionary(fc.constantFrom("a", "a/"), tie("schema"), { maxKeys: 2 }),
        definitions: fc.dictionary(fc.constantFrom("b"), tie("schema"), { maxKeys: 1 }),
        format: fc.string(),
      },
      { requiredKeys: [] },
    ),
    fc.anything(),
  ),
}));

test("property: the validator never throws, and returns well-formed issues, for any schema and value", () => {
  fc.assert(
    fc.property(anySchema, fc.oneof(jsonValues, fc.anything()), (schema, value) => {
      const issues = validateJsonSchema(schema as JsonSchema, value);
      assert.ok(Array.isArray(issues));
      for (const i of issues) {
        assert.equal(typeof i.message, "string");
        assert.ok(i.message.length > 0);
        assert.ok(Array.isArray(i.path) && i.path.every((p) => typeof p === "string" || typeof p === "number"));
        assert.deepEqual(Object.keys(i).sort(), ["message", "path"]);
      }
      // Deterministic: the same answer twice (pattern cache and all).
      assert.deepEqual(validateJsonSchema(schema as JsonSchema, value), issues);
    }),
    { numRuns: 1000 },
  );
});

// --- (b) strictifySchema + restore -------------------------------------------------------------

const POINT = {
  type: "object",
  properties: { x: { type: "number" }, y: { type: "number" }, label: { type: "string", nullable: true } },
  required: ["x"],
};

const leafSchema = fc.constantFrom<Obj>(
  { type: "string" },
  { type: "number" },
  { type: "integer", minimum: 0 },
  { type: "boolean" },
  { type: "string", enum: ["elf", "dwarf"] },
  { enum: ["PASS", "FAIL"] },
  { const: "fixed" },
  { type: ["string", "null"] },
  { type: "number", nullable: true },
  { anyOf: [{ type: "string" }, { type: "null" }] },
  { anyOf: [{ type: "string" }, { type: "integer" }] },
  { $ref: "#/$defs/point" },
  { type: "string", format: "date" },
);

const propName = fc.constantFrom("name", "race", "motive", "tags", "age", "toString", "with space");

const { object: objectSchema } = fc.letrec<{ node: Obj; object: Obj }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafSchema,
    tie("object"),
    tie("node").map((items) => ({ type: "array", items })),
    fc.tuple(tie("object"), tie("object")).map(([a, b]) => ({ anyOf: [a, b] })),
  ),
  object: fc
    .tuple(
      fc.uniqueArray(fc.tuple(propName, tie("node"), fc.boolean()), { maxLength: 4, selector: ([k]) => k }),
      fc.boolean(),
    )
    .map(([props, closed]) => {
      const s: Obj = {
        type: "object",
        properties: Object.fromEntries(props.map(([k, p]) => [k, p])),
        required: props.filter(([, , optional]) => !optional).map(([k]) => k),
      };
      if (closed || props.length === 0) s.additionalProperties = false;
      return s;
    }),
}));

const objectSchemas = objectSchema.map((s) => ({ ...s, $defs: { point: POINT } }));

/** Values valid under a (strict) schema: every property present, as strict mode requires. */
function valuesOf(schema: unknown, root: Obj): fc.Arbitrary<unknown> {
  if (!isObj(schema)) return fc.constant(null);
  if (typeof schema.$ref === "string") return valuesOf((root.$defs as Obj)[schema.$ref.slice("#/$defs/".length)], root);
  if (Array.isArray(schema.anyOf)) return fc.oneof(...schema.anyOf.map((s) => valuesOf(s, root)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if ("const" in schema) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return fc.oneof(
    ...types.map((t): fc.Arbitrary<unknown> => {
      switch (t) {
        case "string":
          return schema.format === "date" ? fc.constant("2026-01-02") : fc.string({ maxLength: 5 });
        case "number":
          return fc.double({ noNaN: true, noDefaultInfinity: true });
        case "integer":
          return fc.integer({ min: typeof schema.minimum === "number" ? schema.minimum : -100, max: 100 });
        case "boolean":
          return fc.boolean();
        case "null":
          return fc.constant(null);
        case "array":
          return fc.array(valuesOf(schema.items, root), { maxLength: 3 });
        case "object": {
          const props = schema.properties as Obj;
          return fc.record(Object.fromEntries(Object.keys(props).map((k) => [k, valuesOf(props[k], root)])), { noNullPrototype: true });
        }
        default:
          throw new Error(`no values for type ${String(t)}`);
      }
    }),
  );
}

test("property: restore() of any value valid under the strict schema validates against the original; strict twice changes nothing", () => {
  let restoredSomething = 0;
  let keptANull = 0;
  fc.assert(
    fc.property(
      objectSchemas.chain((original) => {
        const strict = strictifySchema(original);
        return fc.tuple(fc.constant(original), fc.constant(strict), fc.array(valuesOf(strict.schema, strict.schema), { minLength: 1, maxLength: 5 }));
      }),
      ([original, strict, values]) => {
        const again = strictifySchema(strict.schema);
        assert.deepEqual(again.changes, []);
        assert.deepEqual(again.schema, strict.schema);
        for (const value of values) {
          assert.deepEqual(validateJsonSchema(strict.schema, value), [], "the generator makes strict-valid values");
          const before = structuredClone(value);
          const restored = strict.restore(value);
          assert.deepEqual(validateJsonSchema(original, restored), [], JSON.stringify({ original, value, restored }));
          assert.deepEqual(value, before, "restore does not mutate its argument");
          const text = JSON.stringify(value);
          if (JSON.stringify(restored) !== text) restoredSomething++;
          else if (text.includes("null")) keptANull++;
        }
      },
    ),
    { numRuns: 300 },
  );
  // The schemas generated do exercise both sides: nulls removed, and nulls kept.
  assert.ok(restoredSomething > 50, `restore changed only ${restoredSomething} values`);
  assert.ok(keptANull > 10, `only ${keptANull} values kept a null`);
});

test("property: strictifySchema marks every object closed and every property required", () => {
  const check = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(check);
    if (!isObj(s)) return;
    if (s.type === "object" || (Array.isArray(s.type) && s.type.includes("object"))) {
      assert.equal(s.additionalProperties, false);
      assert.deepEqual([...(s.required as string[])].sort(), Object.keys(s.properties as Obj).sort());
    }
    for (const k of ["nullable", "oneOf", "allOf", "prefixItems", "minLength", "uniqueItems"]) assert.ok(!(k in s), k);
    Object.values(s).forEach(check);
  };
  fc.assert(
    fc.property(objectSchemas, (original) => {
      const frozen = structuredClone(original);
      const { schema } = strictifySchema(original);
      check(schema);
      assert.deepEqual(original, frozen, "the input is not mutated");
    }),
    { numRuns: 300 },
  );
});
