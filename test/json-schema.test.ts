import { test } from "node:test";
import assert from "node:assert/strict";
import { validateJsonSchema, type JsonSchema, type SchemaIssue } from "../src/structured/json-schema.js";
import { strictifySchema } from "../src/structured/strict-schema.js";

const ok = (schema: JsonSchema, value: unknown) => assert.deepEqual(validateJsonSchema(schema, value), [], `${JSON.stringify(value)} should pass ${JSON.stringify(schema)}`);
const bad = (schema: JsonSchema, value: unknown, expected: SchemaIssue[]) => assert.deepEqual(validateJsonSchema(schema, value), expected);
const one = (path: (string | number)[], message: string): SchemaIssue[] => [{ path, message }];

// --- validateJsonSchema -------------------------------------------------------------------------

test("type: each JSON type, good and bad, with the message a model can act on", () => {
  ok({ type: "string" }, "x");
  ok({ type: "number" }, 1.5);
  ok({ type: "number" }, 2);
  ok({ type: "integer" }, 2);
  ok({ type: "integer" }, 2.0);
  ok({ type: "boolean" }, false);
  ok({ type: "null" }, null);
  ok({ type: "object" }, {});
  ok({ type: "array" }, []);
  bad({ type: "string" }, 3, one([], "expected a string, got a number"));
  bad({ type: "integer" }, 2.5, one([], "expected an integer, got 2.5"));
  bad({ type: "number" }, "3", one([], "expected a number, got a string"));
  bad({ type: "boolean" }, "true", one([], "expected a boolean, got a string"));
  bad({ type: "null" }, 0, one([], "expected null, got a number"));
  bad({ type: "object" }, [], one([], "expected an object, got an array"));
  bad({ type: "array" }, {}, one([], "expected an array, got an object"));
  bad({ type: "object" }, null, one([], "expected an object, got null"));
});

test("type as an array, including null", () => {
  ok({ type: ["string", "null"] }, null);
  ok({ type: ["string", "null"] }, "a");
  ok({ type: ["integer", "boolean"] }, true);
  bad({ type: ["string", "null"] }, 1, one([], "expected a string or null, got a number"));
  bad({ type: ["string", "number", "null"] }, {}, one([], "expected a string, a number or null, got an object"));
});

test("OpenAPI nullable: true admits null, and only null", () => {
  ok({ type: "string", nullable: true }, null);
  ok({ type: "string", nullable: true }, "a");
  bad({ type: "string", nullable: true }, 1, one([], "expected a string, got a number"));
  bad({ type: "string", nullable: false }, null, one([], "expected a string, got null"));
});

test("properties, required, additionalProperties: paths point into the value", () => {
  const schema = {
    type: "object",
    properties: {
      npcs: {
        type: "array",
        items: {
          type: "object",
          properties: { name: { type: "string" }, race: { type: "string" }, motive: { type: "string" } },
          required: ["name", "race", "motive"],
          additionalProperties: false,
        },
      },
    },
    required: ["npcs"],
  };
  const npc = { name: "Grimbold", race: "dwarf", motive: "gold" };
  ok(schema, { npcs: [npc, npc] });
  ok(schema, { npcs: [], extra: 1 }); // additionalProperties unset at the root: allowed
  bad(schema, { npcs: [npc, npc, { ...npc, race: 7 }] }, one(["npcs", 2, "race"], "expected a string, got a number"));
  bad(schema, { npcs: [{ name: "A", race: "elf" }] }, one(["npcs", 0], 'missing required property "motive"'));
  bad(schema, { npcs: [{ ...npc, colour: "red" }] }, one(["npcs", 0], 'unexpected property "colour"'));
  bad(schema, {}, one([], 'missing required property "npcs"'));
  // A property set to undefined (a JS value, not JSON) counts as missing.
  bad(schema, { npcs: undefined }, one([], 'missing required property "npcs"'));
});

test("additionalProperties as a schema checks the extra values only", () => {
  const schema = { type: "object", properties: { id: { type: "string" } }, additionalProperties: { type: "number" } };
  ok(schema, { id: "a", x: 1, y: 2 });
  bad(schema, { id: "a", x: "1" }, one(["x"], "expected a number, got a string"));
  bad(schema, { id: 1 }, one(["id"], "expected a string, got a number"));
});

test("patternProperties: matching keys are checked and are not additional", () => {
  const schema = { type: "object", patternProperties: { "^x-": { type: "string" } }, additionalProperties: false };
  ok(schema, { "x-a": "1" });
  bad(schema, { "x-a": 1 }, one(["x-a"], "expected a string, got a number"));
  bad(schema, { y: "1" }, one([], 'unexpected property "y"'));
});

test("an own property named __proto__ or toString is an ordinary property", () => {
  const value = JSON.parse('{"__proto__": 1, "toString": "x"}');
  const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["toString","valueOf"],"additionalProperties":false}');
  assert.deepEqual(validateJsonSchema(schema, value), [
    { path: [], message: 'missing required property "valueOf"' },
    { path: ["__proto__"], message: "expected a string, got a number" },
    { path: [], message: 'unexpected property "toString"' },
  ]);
});

test("items, prefixItems, array-form items with additionalItems", () => {
  ok({ type: "array", items: { type: "integer" } }, [1, 2, 3]);
  bad({ type: "array", items: { type: "integer" } }, [1, "2", 3], one([1], "expected an integer, got a string"));
  const tuple = { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false };
  ok(tuple, ["a", 1]);
  ok(tuple, ["a"]); // prefixItems does not require every position
  bad(tuple, [1, 1], one([0], "expected a string, got a number"));
  bad(tuple, ["a", 1, true], one([], "must have at most 2 items, got 3"));
  const rest = { type: "array", prefixItems: [{ type: "string" }], items: { type: "boolean" } };
  ok(rest, ["a", true, false]);
  bad(rest, ["a", true, 0], one([2], "expected a boolean, got a number"));
  const draft7 = { type: "array", items: [{ type: "string" }], additionalItems: { type: "null" } };
  ok(draft7, ["a", null]);
  bad(draft7, ["a", 1], one([1], "expected null, got a number"));
});

test("minItems, maxItems, uniqueItems", () => {
  const schema = { type: "array", minItems: 1, maxItems: 3, uniqueItems: true };
  ok(schema, [1, { a: 1, b: 2 }, { b: 2, a: 2 }]);
  bad(schema, [], one([], "must have at least 1 item, got 0"));
  bad(schema, [1, 2, 3, 4], one([], "must have at most 3 items, got 4"));
  bad(schema, [1, 2, 1], one([], "items must be unique, but items 0 and 2 are equal"));
  // Key order does not make objects different; 1 and "1" are different.
  bad(schema, [{ a: 1, b: [2] }, { b: [2], a: 1 }], one([], "items must be unique, but items 0 and 1 are equal"));
  ok(schema, [1, "1"]);
});

test("enum and const use deep equality", () => {
  const verdict = { type: "string", enum: ["PASS", "FAIL"] };
  ok(verdict, "PASS");
  bad(verdict, "MAYBE", one([], 'must be one of "PASS", "FAIL"'));
  ok({ enum: [{ a: [1, 2] }, null] }, { a: [1, 2] });
  ok({ enum: [{ a: [1, 2] }, null] }, null);
  bad({ enum: [{ a: [1, 2] }] }, { a: [2, 1] }, one([], 'must be one of {"a":[1,2]}'));
  ok({ const: { x: 1, y: [true] } }, { y: [true], x: 1 });
  bad({ const: { x: 1 } }, { x: 1, y: 2 }, one([], 'must be {"x":1}'));
  bad({ const: "fixed" }, "other", one([], 'must be "fixed"'));
  ok({ const: null }, null);
  bad({ const: 0 }, false, one([], "must be 0"));
});

test("numbers: minimum, maximum, exclusive bounds, multipleOf", () => {
  const schema = { type: "number", minimum: 0, maximum: 10 };
  ok(schema, 0);
  ok(schema, 10);
  bad(schema, -1, one([], "must be >= 0, got -1"));
  bad(schema, 11, one([], "must be <= 10, got 11"));
  const ex = { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 };
  ok(ex, 0.5);
  bad(ex, 0, one([], "must be > 0, got 0"));
  bad(ex, 1, one([], "must be < 1, got 1"));
  // draft-4 boolean form
  bad({ minimum: 5, exclusiveMinimum: true }, 5, one([], "must be > 5, got 5"));
  ok({ type: "number", multipleOf: 0.1 }, 0.3); // 0.3 / 0.1 = 2.9999999999999996
  ok({ type: "integer", multipleOf: 5 }, -15);
  bad({ type: "number", multipleOf: 0.5 }, 0.3, one([], "must be a multiple of 0.5, got 0.3"));
  // Bounds apply to numbers only.
  ok({ minimum: 3 }, "a");
});

test("strings: minLength/maxLength count code points, pattern is a Unicode RegExp", () => {
  ok({ type: "string", minLength: 2, maxLength: 2 }, "🍺🍺"); // 4 UTF-16 units, 2 code points
  bad({ type: "string", maxLength: 1 }, "🍺🍺", one([], "must be at most 1 character long, got 2"));
  bad({ type: "string", minLength: 3 }, "ab", one([], "must be at least 3 characters long, got 2"));
  ok({ type: "string", pattern: "^[A-Z]{2}-\\d+$" }, "AB-12");
  bad({ type: "string", pattern: "^[A-Z]{2}-\\d+$" }, "ab-12", one([], 'must match the pattern "^[A-Z]{2}-\\\\d+$"'));
  ok({ type: "string", pattern: "^.$" }, "🍺"); // `u`: one code point is one `.`
  ok({ type: "string", pattern: "^\\p{Lu}" }, "Élan");
  // Not anchored: a match anywhere counts, as in JSON Schema.
  ok({ pattern: "b" }, "abc");
});

test("an invalid pattern is an issue on the schema, not a crash", () => {
  const issues = validateJsonSchema({ type: "string", pattern: "(unclosed" }, "x");
  assert.equal(issues.length, 1);
  assert.deepEqual(issues[0]!.path, []);
  assert.match(issues[0]!.message, /^schema error: pattern "\(unclosed" is not a valid regular expression/);
  // A pattern only valid without `u` (an identity escape Python accepts) is still honoured.
  ok({ pattern: "^a\\_b$" }, "a_b");
  assert.equal(validateJsonSchema({ pattern: "^a\\_b$" }, "ab").length, 1);
});

test("minProperties, maxProperties", () => {
  const schema = { type: "object", minProperties: 1, maxProperties: 2 };
  ok(schema, { a: 1 });
  bad(schema, {}, one([], "must have at least 1 property, got 0"));
  bad(schema, { a: 1, b: 2, c: 3 }, one([], "must have at most 2 properties, got 3"));
});

test("allOf: every part applies, issues from each", () => {
  const schema = { allOf: [{ type: "object", required: ["a"] }, { properties: { a: { type: "string" } }, required: ["b"] }] };
  ok(schema, { a: "x", b: 1 });
  bad(schema, { a: 1 }, [
    { path: [], message: 'missing required property "b"' },
    { path: ["a"], message: "expected a string, got a number" },
  ]);
});

test("anyOf: passes on any branch; fails with the closest branch's issues", () => {
  const union = {
    anyOf: [
      { type: "object", properties: { kind: { const: "dice" }, sides: { type: "integer" } }, required: ["kind", "sides"], additionalProperties: false },
      { type: "object", properties: { kind: { const: "coin" }, face: { enum: ["heads", "tails"] } }, required: ["kind", "face"], additionalProperties: false },
    ],
  };
  ok(union, { kind: "dice", sides: 6 });
  ok(union, { kind: "coin", face: "tails" });
  // The discriminator agrees with the second branch: its issue is the one reported.
  bad(union, { kind: "coin", face: "edge" }, one(["face"], 'must be one of "heads", "tails"'));
  bad(union, { kind: "dice", sides: 6.5 }, one(["sides"], "expected an integer, got 6.5"));
  // Wrong kind for every branch: one line naming what was expected.
  bad({ anyOf: [{ type: "string" }, { type: "null" }] }, 3, one([], "expected a string or null, got a number"));
  bad({ anyOf: [{ type: "string", const: "a" }, { type: "string", const: "b" }] }, "c", one([], 'must be one of "a", "b"'));
  bad({ anyOf: [{ type: "string", minLength: 2 }, { type: "number" }] }, "a", one([], "must be at least 2 characters long, got 1"));
  bad({ anyOf: [{ type: "number", const: 1 }, { type: "string" }] }, 2, one([], "matches none of the 2 alternatives"));
});

test("oneOf: exactly one branch must match", () => {
  const schema = { oneOf: [{ type: "integer" }, { type: "number", minimum: 10 }] };
  ok(schema, 3);
  ok(schema, 10.5);
  bad(schema, 12, one([], "matches more than one of the 2 alternatives (1 and 2); it must match exactly one"));
  bad(schema, "x", one([], "expected an integer or a number, got a string"));
  bad(schema, 2.5, one([], "must be >= 10, got 2.5"));
});

test("$ref to #/$defs, #/definitions and # (recursion), each resolved in the root", () => {
  const tree = {
    type: "object",
    properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    required: ["label"],
    additionalProperties: false,
  };
  ok(tree, { label: "a", children: [{ label: "b", children: [{ label: "c" }] }, { label: "d" }] });
  bad(tree, { label: "a", children: [{ label: "b", children: [{ label: 3 }] }] }, one(["children", 0, "children", 0, "label"], "expected a string, got a number"));

  const defs = {
    $defs: { npc: { type: "object", properties: { friend: { $ref: "#/definitions/friend" } }, required: ["friend"] } },
    definitions: { friend: { anyOf: [{ $ref: "#/$defs/npc" }, { type: "null" }] } },
    $ref: "#/$defs/npc",
  };
  ok(defs, { friend: { friend: { friend: null } } });
  bad(defs, { friend: { friend: {} } }, one(["friend", "friend"], 'missing required property "friend"'));
  // JSON-pointer escapes in a $ref
  ok({ $defs: { "a/b": { type: "string" } }, $ref: "#/$defs/a~1b" }, "s");
  bad({ $defs: { "a/b": { type: "string" } }, $ref: "#/$defs/a~1b" }, 1, one([], "expected a string, got a number"));
});

test("a $ref cycle that never looks at the value is an issue, not a hang", () => {
  bad({ $ref: "#" }, 1, one([], 'schema error: $ref "#" loops back without checking the value'));
  const loop = { $defs: { a: { $ref: "#/$defs/b" }, b: { anyOf: [{ $ref: "#/$defs/a" }] } }, $ref: "#/$defs/a" };
  const issues = validateJsonSchema(loop, { x: 1 });
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /loops back/);
  bad({ $ref: "#/$defs/missing" }, 1, one([], 'schema error: $ref "#/$defs/missing" does not resolve in this schema'));
  bad({ $ref: "https://example.com/s.json" }, 1, one([], 'schema error: $ref "https://example.com/s.json" does not resolve in this schema'));
});

test("format and unknown keywords are ignored; boolean schemas", () => {
  ok({ type: "string", format: "email" }, "not an email");
  ok({ type: "string", "x-whatever": { type: "number" }, title: "T" }, "s");
  ok(true, { anything: [1] });
  ok({}, null);
  bad(false, 1, one([], "no value is allowed here"));
  bad({ type: "object", properties: { a: false } }, { a: 1 }, one(["a"], "no value is allowed here"));
});

test("never throws, whatever the schema or value", () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const weird: unknown[] = [null, 1, "s", [1], { type: 5 }, { type: ["nope"] }, { required: "a" }, { properties: [] }, { enum: "x" }, { minLength: -1 }, { multipleOf: 0 }, { items: 3 }, { anyOf: [] }, { oneOf: [1, 2] }, { $ref: 7 }, { pattern: 5 }];
  for (const schema of weird) {
    for (const value of [cyclic, deep, undefined, NaN, Symbol("s"), () => 1, 10n, "x", null]) {
      const issues = validateJsonSchema(schema as JsonSchema, value);
      assert.ok(Array.isArray(issues));
    }
  }
  // A cyclic value against a recursive schema, and a very deep value, end in one issue.
  const r = validateJsonSchema({ type: "object", additionalProperties: { $ref: "#" } }, cyclic);
  assert.equal(r.length, 1);
  assert.match(r[0]!.message, /could not be validated/);
  const d = validateJsonSchema({ items: { $ref: "#" } }, deep);
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /nested too deeply/);
});

test("a schema as zod 4's z.toJSONSchema emits it: { name: string, race: enum, motive?: string, tags: string[] }", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      name: { type: "string" },
      race: { type: "string", enum: ["elf", "dwarf", "human"] },
      motive: { type: "string" },
      tags: { type: "array", items: { type: "string" } },
    },
    required: ["name", "race", "tags"],
    additionalProperties: false,
  };
  ok(schema, { name: "Grimbold", race: "dwarf", tags: [] });
  ok(schema, { name: "Grimbold", race: "dwarf", motive: "gold", tags: ["greedy"] });
  bad(schema, { name: "Grimbold", race: "orc", motive: null, tags: ["a", 1], colour: "red" }, [
    { path: ["race"], message: 'must be one of "elf", "dwarf", "human"' },
    { path: ["motive"], message: "expected a string, got null" },
    { path: ["tags", 1], message: "expected a string, got a number" },
    { path: [], message: 'unexpected property "colour"' },
  ]);
  bad(schema, { name: "Grimbold", tags: [] }, one([], 'missing required property "race"'));

  // The same schema made strict: motive becomes required and nullable; restore drops the null.
  const strict = strictifySchema(schema);
  assert.deepEqual(strict.schema, {
    ...schema,
    properties: { ...schema.properties, motive: { type: ["string", "null"] } },
    required: ["name", "race", "motive", "tags"],
  });
  assert.deepEqual(strict.changes, ['made "motive" required and nullable (it was optional)']);
  const answer = { name: "Grimbold", race: "dwarf", motive: null, tags: [] };
  ok(strict.schema, answer);
  bad(schema, answer, one(["motive"], "expected a string, got null"));
  const restored = strict.restore(answer);
  assert.deepEqual(restored, { name: "Grimbold", race: "dwarf", tags: [] });
  ok(schema, restored);
  assert.deepEqual(answer, { name: "Grimbold", race: "dwarf", motive: null, tags: [] }, "restore returns a new value");
});

// --- strictifySchema ---------------------------------------------------------------------------

const deepFreeze = <T>(o: T): T => {
  if (typeof o === "object" && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
};

test("strictifySchema: nested optional and nullable properties, and restore", () => {
  const original = deepFreeze({
    type: "object",
    properties: {
      title: { type: "string" },
      subtitle: { type: "string" }, // optional → required + nullable
      note: { type: ["string", "null"] }, // optional and already nullable → required
      rating: { type: ["integer", "null"] }, // required and nullable: untouched
      verdict: { enum: ["PASS", "FAIL"] }, // optional enum → null added to the enum
      author: { $ref: "#/$defs/person" }, // optional $ref → anyOf with null
      npcs: {
        type: "array",
        items: {
          type: "object",
          properties: { name: { type: "string" }, motive: { type: "string", nullable: true }, age: { type: "integer" } },
          required: ["name"],
        },
      },
    },
    required: ["title", "rating", "npcs"],
    $defs: { person: { type: "object", properties: { name: { type: "string" }, email: { type: "string", format: "email" } }, required: ["name"], additionalProperties: false } },
  });
  const { schema, changes, restore } = strictifySchema(original as Record<string, unknown>);
  assert.deepEqual(schema, {
    type: "object",
    properties: {
      title: { type: "string" },
      subtitle: { type: ["string", "null"] },
      note: { type: ["string", "null"] },
      rating: { type: ["integer", "null"] },
      verdict: { enum: ["PASS", "FAIL", null] },
      author: { anyOf: [{ $ref: "#/$defs/person" }, { type: "null" }] },
      npcs: {
        type: "array",
        items: {
          type: "object",
          properties: { name: { type: "string" }, motive: { type: ["string", "null"] }, age: { type: ["integer", "null"] } },
          required: ["name", "motive", "age"],
          additionalProperties: false,
        },
      },
    },
    required: ["title", "subtitle", "note", "rating", "verdict", "author", "npcs"],
    $defs: {
      person: {
        type: "object",
        properties: { name: { type: "string" }, email: { type: ["string", "null"], format: "email" } },
        required: ["name", "email"],
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  });
  assert.deepEqual(changes.sort(), [
    'added additionalProperties: false at "npcs[]"',
    "added additionalProperties: false at the root",
    'made "$defs.person.email" required and nullable (it was optional)',
    'made "author" required and nullable (it was optional)',
    'made "note" required (it was optional; it already accepts null)',
    'made "npcs[].age" required and nullable (it was optional)',
    'made "npcs[].motive" required (it was optional; it already accepts null)',
    'made "subtitle" required and nullable (it was optional)',
    'made "verdict" required and nullable (it was optional)',
    'replaced OpenAPI "nullable: true" at "npcs[].motive" with a "null" type',
  ]);

  const answer = {
    title: "T",
    subtitle: null,
    note: null,
    rating: null,
    verdict: null,
    author: { name: "Ann", email: null },
    npcs: [
      { name: "A", motive: null, age: null },
      { name: "B", motive: "gold", age: 40 },
    ],
  };
  ok(schema, answer);
  assert.ok(validateJsonSchema(original as JsonSchema, answer).length > 0);
  const restored = restore(answer);
  // Nulls go where the property was optional and did not accept null; they stay where the
  // original accepted null (note, rating, npcs[0].motive).
  assert.deepEqual(restored, {
    title: "T",
    note: null,
    rating: null,
    author: { name: "Ann" },
    npcs: [
      { name: "A", motive: null },
      { name: "B", motive: "gold", age: 40 },
    ],
  });
  ok(original as JsonSchema, restored);
  // Values the model filled in are kept.
  const full = { ...answer, subtitle: "S", verdict: "PASS", author: null };
  assert.deepEqual(restore(full), {
    title: "T",
    subtitle: "S",
    note: null,
    rating: null,
    verdict: "PASS",
    npcs: [
      { name: "A", motive: null },
      { name: "B", motive: "gold", age: 40 },
    ],
  });
  ok(original as JsonSchema, restore(full));

  // Strict twice: nothing more to do.
  const again = strictifySchema(schema);
  assert.deepEqual(again.changes, []);
  assert.deepEqual(again.schema, schema);
});

test("strictifySchema: restore picks the anyOf branch the answer fits", () => {
  const original = {
    type: "object",
    properties: {
      roll: {
        anyOf: [
          { type: "object", properties: { kind: { const: "dice" }, sides: { type: "integer" }, bonus: { type: "integer" } }, required: ["kind", "sides"], additionalProperties: false },
          { type: "object", properties: { kind: { const: "coin" }, call: { enum: ["heads", "tails"] } }, required: ["kind"], additionalProperties: false },
        ],
      },
    },
    required: ["roll"],
    additionalProperties: false,
  };
  const { schema, restore } = strictifySchema(original);
  const dice = { roll: { kind: "dice", sides: 6, bonus: null } };
  const coin = { roll: { kind: "coin", call: null } };
  ok(schema, dice);
  ok(schema, coin);
  assert.deepEqual(restore(dice), { roll: { kind: "dice", sides: 6 } });
  assert.deepEqual(restore(coin), { roll: { kind: "coin" } });
  ok(original, restore(dice));
  ok(original, restore(coin));
});

test("strictifySchema: recursive schemas keep their $ref, the definitions become strict", () => {
  const original = {
    type: "object",
    properties: { root: { $ref: "#/$defs/node" } },
    required: ["root"],
    additionalProperties: false,
    $defs: {
      node: {
        type: "object",
        properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
        required: ["label"],
      },
    },
  };
  const { schema, changes, restore } = strictifySchema(original);
  assert.deepEqual((schema.$defs as any).node, {
    type: "object",
    properties: { label: { type: "string" }, children: { type: ["array", "null"], items: { $ref: "#/$defs/node" } } },
    required: ["label", "children"],
    additionalProperties: false,
  });
  assert.deepEqual(changes, ['added additionalProperties: false at "$defs.node"', 'made "$defs.node.children" required and nullable (it was optional)']);
  const answer = { root: { label: "a", children: [{ label: "b", children: null }, { label: "c", children: [{ label: "d", children: null }] }] } };
  ok(schema, answer);
  const restored = restore(answer);
  assert.deepEqual(restored, { root: { label: "a", children: [{ label: "b" }, { label: "c", children: [{ label: "d" }] }] } });
  ok(original, restored);

  // Root recursion through "#".
  const tree = { type: "object", properties: { v: { type: "number" }, next: { $ref: "#" } }, required: ["v"], additionalProperties: false };
  const t = strictifySchema(tree);
  assert.deepEqual(t.schema.properties, { v: { type: "number" }, next: { anyOf: [{ $ref: "#" }, { type: "null" }] } });
  const chain = { v: 1, next: { v: 2, next: { v: 3, next: null } } };
  ok(t.schema, chain);
  assert.deepEqual(t.restore(chain), { v: 1, next: { v: 2, next: { v: 3 } } });
});

test("strictifySchema: keywords OpenAI strict mode rejects are rewritten or dropped, each listed", () => {
  const original = {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, maxLength: 40, pattern: "^[A-Z]" },
      site: { type: "string", format: "uri" },
      when: { type: "string", format: "date-time" },
      tags: { type: "array", items: { type: "string" }, uniqueItems: true, minItems: 1, maxItems: 5 },
      level: { type: "integer", minimum: 1, maximum: 20, default: 1 },
      pet: { oneOf: [{ type: "string" }, { type: "number" }] },
      stats: { allOf: [{ type: "object", properties: { str: { type: "integer" } }, required: ["str"] }, { properties: { dex: { type: "integer" } }, required: ["dex"] }] },
      pos: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], items: false, minItems: 2 },
      code: { type: "string", pattern: "^(?!x)" },
      meta: { type: "object", properties: { a: { type: "string" } }, required: ["a"], minProperties: 1, not: { required: ["b"] } },
    },
    required: ["name", "site", "when", "tags", "level", "pet", "stats", "pos", "code", "meta"],
    additionalProperties: false,
  };
  const { schema, changes } = strictifySchema(original);
  const p = schema.properties as Record<string, unknown>;
  assert.deepEqual(p.name, { type: "string", pattern: "^[A-Z]" });
  assert.deepEqual(p.site, { type: "string" });
  assert.deepEqual(p.when, { type: "string", format: "date-time" });
  assert.deepEqual(p.tags, { type: "array", items: { type: "string" }, minItems: 1, maxItems: 5 });
  assert.deepEqual(p.level, { type: "integer", minimum: 1, maximum: 20 });
  assert.deepEqual(p.pet, { anyOf: [{ type: "string" }, { type: "number" }] });
  assert.deepEqual(p.stats, {
    type: "object",
    properties: { str: { type: "integer" }, dex: { type: "integer" } },
    required: ["str", "dex"],
    additionalProperties: false,
  });
  assert.deepEqual(p.pos, { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 });
  assert.deepEqual(p.code, { type: "string" });
  assert.deepEqual(p.meta, { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false });
  assert.deepEqual(changes, [
    'dropped "minLength" at "name" (not supported by OpenAI strict mode)',
    'dropped "maxLength" at "name" (not supported by OpenAI strict mode)',
    'dropped format "uri" at "site" (OpenAI strict mode supports only date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid)',
    'dropped "uniqueItems" at "tags" (not supported by OpenAI strict mode)',
    'dropped "default" at "level" (not supported by OpenAI strict mode)',
    'replaced oneOf with anyOf at "pet" (OpenAI strict mode rejects oneOf)',
    'merged the allOf at "stats" into one schema (OpenAI strict mode rejects allOf)',
    'added additionalProperties: false at "stats"',
    'turned the tuple at "pos" into an array whose items may match any of its item schemas (OpenAI strict mode rejects prefixItems)',
    'dropped the pattern at "code" (OpenAI strict mode rejects lookaround in patterns)',
    'dropped "minProperties" at "meta" (not supported by OpenAI strict mode)',
    'dropped "not" at "meta" (not supported by OpenAI strict mode)',
    'added additionalProperties: false at "meta"',
  ]);
  assert.deepEqual(strictifySchema(schema).changes, []);
});

test("strictifySchema: $ref with sibling keywords is inlined; a root $ref too", () => {
  const original = {
    $ref: "#/$defs/sheet",
    $defs: {
      sheet: { type: "object", properties: { hp: { $ref: "#/$defs/points", description: "hit points" } }, required: ["hp"], additionalProperties: false },
      points: { type: "integer", minimum: 0 },
    },
  };
  const { schema, changes } = strictifySchema(original);
  assert.equal(schema.type, "object");
  assert.deepEqual(schema.properties, { hp: { description: "hit points", type: "integer", minimum: 0 } });
  assert.deepEqual((schema.$defs as any).sheet.properties.hp, { description: "hit points", type: "integer", minimum: 0 });
  assert.ok(changes.includes('inlined $ref "#/$defs/sheet" at the root (OpenAI strict mode does not allow keywords next to $ref)'));
  assert.ok(changes.includes('inlined $ref "#/$defs/points" at "hp" (OpenAI strict mode does not allow keywords next to $ref)'));
  assert.equal(schema.$ref, undefined);
});

test("strictifySchema: what cannot be made strict throws a clear Error", () => {
  assert.throws(() => strictifySchema({ type: "string" }), /root schema .* must have type "object", got "string"; wrap it in an object/);
  assert.throws(() => strictifySchema({ type: "array", items: { type: "string" } }), /wrap it in an object/);
  assert.throws(() => strictifySchema({ anyOf: [{ type: "object", properties: {}, additionalProperties: false }] }), /not anyOf\/oneOf; wrap it in an object/);
  assert.throws(() => strictifySchema(true as unknown as Record<string, unknown>), /wrap it in an object/);
  assert.throws(() => strictifySchema({ type: "object", properties: { x: {} }, required: ["x"] }), /"x" accepts any value/);
  assert.throws(() => strictifySchema({ type: "object", additionalProperties: { type: "number" } }), /record\/map/);
  assert.throws(() => strictifySchema({ type: "object", properties: { a: { type: "array" } } }), /the array at "a" has no "items"/);
  assert.throws(() => strictifySchema({ type: "object", properties: { a: { $ref: "#/$defs/nope" } } }), /\$ref "#\/\$defs\/nope" at "a" does not resolve/);
  assert.throws(() => strictifySchema({ type: "object", properties: { a: { allOf: [{ type: "string" }, { type: "number" }] } } }), /can never be satisfied/);
  assert.throws(() => strictifySchema({ type: "object", properties: {}, required: ["ghost"], additionalProperties: false }), /requires "ghost" but does not describe it/);
});

test("strictifySchema never mutates its input", () => {
  const original = {
    type: "object",
    properties: { a: { type: "string", minLength: 2 }, b: { allOf: [{ type: "object", properties: { c: { type: "number" } } }] }, d: { oneOf: [{ type: "string" }, { type: "null" }] } },
  };
  const copy = structuredClone(original);
  deepFreeze(original);
  strictifySchema(original);
  assert.deepEqual(original, copy);
});
