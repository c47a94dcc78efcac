import { test } from "node:test";
import assert from "node:assert/strict";
import { withServer } from "./helpers.js";
import { dialects, schemaInstance, type DialectName, type SimReply, type SimulatorOptions } from "./exports.js";
import { validateJsonSchema } from "../src/structured/json-schema.js";

// What each simulated server does with `response_format`, as its real server does today (older
// releases behind `legacy: true`), seen on the wire with a raw fetch; and the instance the simulator
// answers with when nothing is scripted.


const chat = (origin: string, body: Record<string, unknown>) =>
  fetch(`${origin}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "sim-model", ...body }) });

/** A schema exercising what a constrained server must honour. */
const schema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 3, maxLength: 12 },
    race: { enum: ["elf", "dwarf"] },
    kind: { const: "npc" },
    level: { type: "integer", minimum: 3, maximum: 9 },
    gold: { type: "number", exclusiveMinimum: 0, multipleOf: 0.5 },
    debt: { type: "number", maximum: -10 },
    alive: { type: "boolean" },
    tags: { type: "array", items: { type: "string" }, minItems: 2, uniqueItems: true },
    home: { $ref: "#/$defs/place" },
    pet: { anyOf: [{ type: "null" }, { $ref: "#/$defs/pet" }] },
    rank: { anyOf: [{ type: "integer", minimum: 1 }, { type: "string" }, { type: "null" }] },
    title: { type: ["null", "string"] },
    nick: { type: "string", nullable: true },
    motto: { type: "string", pattern: "^[a-z]+$" },
    born: { type: "string", format: "date" },
    stats: { allOf: [{ type: "object", properties: { str: { type: "integer", minimum: 1 } }, required: ["str"] }, { properties: { dex: { type: "integer" } }, required: ["dex"] }] },
    notes: { type: "string" },
  },
  required: ["name", "race", "kind", "level", "gold", "debt", "alive", "tags", "home", "pet", "rank", "title", "nick", "motto", "born", "stats"],
  additionalProperties: false,
  $defs: {
    place: { type: "object", properties: { town: { type: "string" } }, required: ["town"], additionalProperties: false },
    pet: { type: "object", properties: { species: { type: "string" }, legs: { type: "integer", minimum: 2 } }, required: ["species", "legs"] },
  },
};
const jsonSchema = { type: "json_schema", json_schema: { name: "npc", schema } };
const ask = [{ role: "user", content: "Answer in JSON: invent an innkeeper." }];

type Expect = "ok" | { status: number; body: unknown };
/** Today's servers: what the wire answers for each type. */
const today: Record<DialectName, { json_schema: Expect; json_object: Expect }> = {
  openai: { json_schema: "ok", json_object: "ok" },
  groq: { json_schema: "ok", json_object: "ok" },
  ollama: { json_schema: "ok", json_object: "ok" },
  vllm: { json_schema: "ok", json_object: "ok" },
  llamacpp: { json_schema: "ok", json_object: "ok" },
  // Q4: LM Studio takes JSON mode only as a schema, and says so in its own `{error: "…"}` shape.
  lmstudio: { json_schema: "ok", json_object: { status: 400, body: { error: "'response_format.type' must be 'json_schema' or 'text'" } } },
  openrouter: { json_schema: "ok", json_object: "ok" },
  // DeepSeek's JSON Output is json_object only.
  deepseek: {
    json_schema: { status: 400, body: { error: { message: "This response_format type is unavailable now", type: "invalid_request_error", param: null, code: "invalid_request_error" } } },
    json_object: "ok",
  },
  mistral: { json_schema: "ok", json_object: "ok" },
};

test("the table covers every dialect", () => {
  assert.deepEqual(Object.keys(today).sort(), Object.keys(dialects).sort());
});

for (const [name, expect] of Object.entries(today) as [DialectName, (typeof today)[DialectName]][]) {
  test(`${name}: json_schema and json_object on the wire; an accepted schema is answered with a valid instance`, async () => {
    await withServer({ dialect: name }, async (origin) => {
      for (const [type, rf] of [["json_schema", jsonSchema], ["json_object", { type: "json_object" }]] as const) {
        const res = await chat(origin, { messages: ask, response_format: rf });
        const e = expect[type];
        if (e !== "ok") {
          assert.equal(res.status, e.status, `${name} ${type}`);
          assert.deepEqual(await res.json(), e.body, `${name} ${type}`);
          continue;
        }
        assert.equal(res.status, 200, `${name} ${type}: ${res.status}`);
        const message = (await res.json()).choices[0].message;
        const value = JSON.parse(message.content);
        if (type === "json_schema") assert.deepEqual(validateJsonSchema(schema, value), [], `${name}: ${message.content}`);
        // JSON mode without a schema: a small object saying what the echo would have said.
        else assert.deepEqual(value, { reply: "You said: Answer in JSON: invent an innkeeper." });
      }
    });
  });
}

test("the instance is minimal: required properties only, the first enum value, nullable answered with a value, minItems distinct items", () => {
  const v = schemaInstance(schema, { text: "Bram the innkeeper" }) as Record<string, any>;
  assert.deepEqual(validateJsonSchema(schema, v), []);
  assert.equal("notes" in v, false, "an optional property is left out");
  assert.equal(v.race, "elf");
  assert.equal(v.kind, "npc");
  assert.equal(v.level, 3);
  assert.equal(v.gold, 0.5);
  assert.equal(v.debt, -10);
  assert.equal(v.name, "Bram the inn", "the text, cut to maxLength");
  assert.deepEqual(v.tags, ["Bram the innkeeper", "Bram the innkeeper 2"]);
  assert.deepEqual(v.home, { town: "Bram the innkeeper" });
  assert.deepEqual(v.pet, { species: "Bram the innkeeper", legs: 2 }, "anyOf: the first branch that is not null");
  assert.equal(v.rank, 1, "anyOf: the first branch");
  assert.equal(v.title, "Bram the innkeeper");
  assert.equal(v.nick, "Bram the innkeeper");
  assert.match(v.motto, /^[a-z]+$/);
  assert.deepEqual(v.stats, { str: 1, dex: 0 }, "allOf merged");
});

test("instances of more schemas validate: recursion through $ref, prefixItems, minProperties, exclusive bounds, string lengths, formats", () => {
  const cases: Record<string, unknown>[] = [
    { type: "object", properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } }, required: ["name", "children"] },
    { type: "array", prefixItems: [{ type: "integer" }, { type: "string", enum: ["a", "b"] }], minItems: 2, items: false },
    { type: "object", properties: { a: { type: "string" }, b: { type: "boolean" } }, minProperties: 2 },
    { type: "object", minProperties: 3, additionalProperties: { type: "integer", minimum: 5 } },
    { type: "number", exclusiveMinimum: 1, exclusiveMaximum: 2 },
    { type: "integer", exclusiveMaximum: -3, multipleOf: 4 },
    { type: "number", minimum: 0.3, multipleOf: 0.1 },
    { type: "string", minLength: 30 },
    { type: "string", format: "date-time" },
    { type: "array", items: { type: "integer", minimum: 1, maximum: 3 }, minItems: 3, uniqueItems: true },
    { definitions: { id: { type: "string", format: "uuid" } }, type: "object", properties: { id: { $ref: "#/definitions/id" } }, required: ["id"] },
    { oneOf: [{ type: "null" }, { type: "object", properties: { x: { const: 1 } }, required: ["x"] }] },
    { type: "array", contains: { const: "needle" } },
  ];
  for (const s of cases) {
    const v = schemaInstance(s, { text: "a dragon" });
    assert.deepEqual(validateJsonSchema(s, v), [], `${JSON.stringify(s)} → ${JSON.stringify(v)}`);
  }
  assert.deepEqual(schemaInstance({ type: "object" }, { text: "x", reply: "You said: x" }), { reply: "You said: x" }, "any object: a reply");
  assert.deepEqual(schemaInstance({ type: "object", maxProperties: 0 }), {});
});

test("a stream delivers the instance in pieces that join to valid JSON", async () => {
  await withServer({ dialect: "vllm" }, async (origin) => {
    const res = await chat(origin, { messages: ask, response_format: jsonSchema, stream: true });
    const deltas = (await res.text()).split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)).choices[0]?.delta.content).filter((c) => c);
    assert.ok(deltas.length > 10, `${deltas.length} pieces`);
    assert.deepEqual(validateJsonSchema(schema, JSON.parse(deltas.join(""))), []);
  });
});

test("JSON mode follows the schema the system message shows (as parse() writes it when it falls back), else answers {reply}", async () => {
  await withServer({ dialect: "vllm" }, async (origin) => {
    const system = { role: "system", content: `Be brief.\n\nReply with one JSON value. It must match this JSON Schema:\n${JSON.stringify(schema)}` };
    const res = await chat(origin, { messages: [system, ...ask], response_format: { type: "json_object" } });
    assert.deepEqual(validateJsonSchema(schema, JSON.parse((await res.json()).choices[0].message.content)), []);
  });
});

test("llama.cpp: json_object with a flat schema beside the type is constrained to it; other servers ignore the extra field", async () => {
  const flat = { type: "json_object", schema: { type: "object", properties: { gold: { type: "integer", minimum: 7 } }, required: ["gold"] } };
  const content = (o: SimulatorOptions) => withServer(o, async (origin) => JSON.parse((await (await chat(origin, { messages: ask, response_format: flat })).json()).choices[0].message.content));
  assert.deepEqual(await content({ dialect: "llamacpp" }), { gold: 7 });
  assert.deepEqual(await content({ dialect: "vllm" }), { reply: "You said: Answer in JSON: invent an innkeeper." });
});

test('JSON mode needs the word "json" in the messages on OpenAI, Groq and DeepSeek, each in its own words; not elsewhere', async () => {
  const word = "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
  const refused: Partial<Record<DialectName, unknown>> = {
    openai: { error: { message: word, type: "invalid_request_error", param: "messages", code: null } },
    groq: { error: { message: word, type: "invalid_request_error", param: null, code: null } },
    deepseek: { error: { message: "Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'.", type: "invalid_request_error", param: null, code: "invalid_request_error" } },
  };
  for (const name of Object.keys(dialects) as DialectName[]) {
    if (name === "lmstudio") continue; // refuses json_object outright (Q4)
    await withServer({ dialect: name }, async (origin) => {
      const res = await chat(origin, { messages: [{ role: "user", content: "Invent an innkeeper." }], response_format: { type: "json_object" } });
      if (refused[name]) {
        assert.equal(res.status, 400, name);
        assert.deepEqual(await res.json(), refused[name], name);
      } else assert.equal(res.status, 200, name);
      // Any case will do, in any message.
      const ok = await chat(origin, { messages: [{ role: "system", content: "Answer in Json." }, { role: "user", content: "Invent an innkeeper." }], response_format: { type: "json_object" } });
      assert.equal(ok.status, 200, name);
    });
  }
});

test("Groq: json_schema refused on models that lack it (Llama 3.x), in Groq's words; the sim model takes it; jsonSchemaUnsupported replaces the list", async () => {
  const groqWords = "This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models";
  await withServer({ dialect: "groq" }, async (origin) => {
    const res = await chat(origin, { model: "llama-3.3-70b-versatile", messages: ask, response_format: jsonSchema });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: { message: groqWords, type: "invalid_request_error", param: "response_format", code: null } });
    assert.equal((await chat(origin, { model: "moonshotai/kimi-k2-instruct", messages: ask, response_format: jsonSchema })).status, 200);
    assert.equal((await chat(origin, { model: "llama-3.3-70b-versatile", messages: ask, response_format: { type: "json_object" } })).status, 200, "JSON mode is fine");
  });
  await withServer({ dialect: "groq", jsonSchemaUnsupported: ["sim-model"] }, async (origin) => {
    assert.equal((await chat(origin, { messages: ask, response_format: jsonSchema })).status, 400);
    assert.equal((await chat(origin, { model: "llama-3.3-70b-versatile", messages: ask, response_format: jsonSchema })).status, 200);
  });
  // Only a dialect that decides per model reads the option.
  await withServer({ dialect: "openai", jsonSchemaUnsupported: ["sim-model"] }, async (origin) => {
    assert.equal((await chat(origin, { messages: ask, response_format: jsonSchema })).status, 200);
  });
});

test("OpenAI: a strict schema must close every object and require every property, else a 400 saying where (In context=…)", async () => {
  const strict = (s: unknown) => ({ type: "json_schema", json_schema: { name: "npc", strict: true, schema: s } });
  const err = (problem: string) => ({ error: { message: `Invalid schema for response_format 'npc': ${problem}`, type: "invalid_request_error", param: "response_format", code: "invalid_json_schema" } });
  await withServer({ dialect: "openai" }, async (origin) => {
    const open = await chat(origin, { messages: ask, response_format: strict({ type: "object", properties: { a: { type: "string" } }, required: ["a"] }) });
    assert.equal(open.status, 400);
    assert.deepEqual(await open.json(), err("In context=(), 'additionalProperties' is required to be supplied and to be false."));
    const optional = await chat(origin, { messages: ask, response_format: strict({ type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"], additionalProperties: false }) });
    assert.deepEqual(await optional.json(), err("In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'."));
    const nested = await chat(origin, { messages: ask, response_format: strict({ type: "object", properties: { list: { type: "array", items: { type: "object", properties: {} } } }, required: ["list"], additionalProperties: false }) });
    assert.deepEqual(await nested.json(), err("In context=('properties', 'list', 'items'), 'additionalProperties' is required to be supplied and to be false."));
    const good = { type: "object", properties: { a: { type: ["string", "null"] } }, required: ["a"], additionalProperties: false };
    const ok = await chat(origin, { messages: ask, response_format: strict(good) });
    assert.equal(ok.status, 200);
    assert.deepEqual(validateJsonSchema(good, JSON.parse((await ok.json()).choices[0].message.content)), []);
    assert.equal((await chat(origin, { messages: ask, response_format: jsonSchema })).status, 200, "not strict: not checked");
  });
  await withServer({ dialect: "vllm" }, async (origin) => {
    assert.equal((await chat(origin, { messages: ask, response_format: strict({ type: "object" }) })).status, 200, "only OpenAI checks");
  });
});

test("legacy Ollama (0.3): json_schema is ignored (free text), json_object still constrains", async () => {
  await withServer({ dialect: "ollama", legacy: true }, async (origin) => {
    const res = await chat(origin, { messages: ask, response_format: jsonSchema });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).choices[0].message.content, "You said: Answer in JSON: invent an innkeeper.");
    const obj = await chat(origin, { messages: ask, response_format: { type: "json_object" } });
    assert.deepEqual(JSON.parse((await obj.json()).choices[0].message.content), { reply: "You said: Answer in JSON: invent an innkeeper." });
  });
});

test("legacy LM Studio (0.3.5): json_object and text refused, in the older words; today's takes text", async () => {
  await withServer({ dialect: "lmstudio", legacy: true }, async (origin) => {
    for (const type of ["json_object", "text"]) {
      const res = await chat(origin, { messages: ask, response_format: { type } });
      assert.equal(res.status, 400, type);
      assert.deepEqual(await res.json(), { error: "'response_format.type' must be 'json_schema'" });
    }
    assert.equal((await chat(origin, { messages: ask, response_format: jsonSchema })).status, 200);
  });
  await withServer({ dialect: "lmstudio" }, async (origin) => {
    assert.equal((await chat(origin, { messages: ask, response_format: { type: "text" } })).status, 200);
  });
});

test("legacy DeepSeek (early 2025): json_schema refused by its body parser, a 422 in plain text naming the place", async () => {
  await withServer({ dialect: "deepseek", legacy: true }, async (origin) => {
    const res = await chat(origin, { messages: ask, response_format: jsonSchema });
    assert.equal(res.status, 422);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(await res.text(), /^Failed to deserialize the JSON body into the target type: response_format: response_format\.type `json_schema` is unavailable now at line 1 column \d+$/);
    assert.equal((await chat(origin, { messages: ask, response_format: { type: "json_object" } })).status, 200);
  });
});

test("a scripted reply wins over the constraint; a refused request does not use it up", async () => {
  await withServer({ dialect: "deepseek", script: [{ text: "```json\n{}\n```" }] }, async (origin) => {
    assert.equal((await chat(origin, { messages: ask, response_format: jsonSchema })).status, 400);
    const res = await chat(origin, { messages: ask, response_format: { type: "json_object" } });
    assert.equal((await res.json()).choices[0].message.content, "```json\n{}\n```");
  });
});

test("a scripted refusal: content null and message.refusal; streamed as delta.refusal pieces after a content-null opening", async () => {
  const refusal: SimReply = { refusal: "I can't help with that request." };
  await withServer({ script: [refusal, refusal] }, async (origin) => {
    const res = await chat(origin, { messages: ask, response_format: jsonSchema });
    const choice = (await res.json()).choices[0];
    assert.deepEqual(choice.message, { role: "assistant", content: null, refusal: "I can't help with that request." });
    assert.equal(choice.finish_reason, "stop");
    const stream = await chat(origin, { messages: ask, response_format: jsonSchema, stream: true });
    const deltas = (await stream.text()).split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)).choices[0]?.delta);
    assert.deepEqual(deltas[0], { role: "assistant", content: null, refusal: "" });
    const pieces = deltas.map((d) => d?.refusal).filter((r) => r);
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(""), "I can't help with that request.");
    assert.ok(deltas.every((d) => !d?.content));
  });
});

test("schemas that refer back to themselves still give an answer (bounded), never a stack overflow", () => {
  const loops = [
    { allOf: [{ $ref: "#" }], type: "object", properties: { a: { type: "string" } }, required: ["a"] },
    { anyOf: [{ $ref: "#" }] },
    { type: "object", properties: { next: { $ref: "#" } }, required: ["next"] },
  ];
  for (const s of loops) assert.doesNotThrow(() => JSON.stringify(schemaInstance(s)), JSON.stringify(s));
  assert.deepEqual(schemaInstance(loops[0]), { a: "sim" });
});
