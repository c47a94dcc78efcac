import { test } from "node:test";
import assert from "node:assert/strict";
import * as z from "zod";
import { dialects, presets, StructuredOutputError, type DialectName } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

// parse() through every simulated server, nothing scripted: the simulator answers a schema it accepts
// with a valid instance, as a grammar-constrained server does, and refuses what the real server refuses,
// so the client's step-downs (json_schema → json_object + the schema in the system message) are exercised
// against each server's own 400.

const Npc = z.object({
  name: z.string().min(2),
  race: z.enum(["elf", "dwarf", "human"]),
  age: z.number().int().min(18).max(90),
  gold: z.number().positive(),
  friendly: z.boolean(),
  tags: z.array(z.string()).min(2),
  home: z.object({ town: z.string(), region: z.string().optional() }),
  title: z.string().nullable(),
  pet: z.object({ species: z.string() }).nullable(),
  motive: z.string().optional(),
});
type Npc = z.infer<typeof Npc>;

const question = "Invent an innkeeper for the Prancing Pony.";
const names = Object.keys(dialects) as DialectName[];
/** Dialects whose server refuses json_schema for the simulator's own model: the client must step down. */
const stepsDown: DialectName[] = ["deepseek"];

/** The value is what the schema says, made from the question. */
function assertNpc(v: Npc | null | undefined, what: string): void {
  assert.ok(v, `${what}: no parsed value`);
  assert.deepEqual(Npc.parse(v), v, what);
  assert.equal(v.name, question, `${what}: strings come from the user's message`);
  assert.equal(v.race, "elf");
  assert.equal(v.age, 18);
  assert.equal(v.tags.length, 2);
  assert.notEqual(v.title, null, `${what}: a nullable property gets a value`);
  assert.deepEqual(v.pet, { species: question }, `${what}: a nullable object too`);
}

const strategyWarnings = (c: { warnings?: { type: string }[] }) => (c.warnings ?? []).filter((w) => w.type === "structured-output-strategy");

test("only DeepSeek refuses json_schema for the simulator's model", () => {
  const refuses = names.filter((n) => typeof dialects[n].responseFormat.jsonSchema === "object" || dialects[n].responseFormat.jsonSchemaModels?.unsupported.includes("sim-model"));
  assert.deepEqual(refuses, stepsDown);
});

for (const name of names) {
  test(`${name}: parse() with zod on a plain client, nothing scripted: a validated value${stepsDown.includes(name) ? ", after stepping down to json_object with a warning" : ""}`, async () => {
    await withSim({ dialect: name }, {}, async (sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
      assertNpc(c.choices[0]!.message.parsed, name);
      assert.equal(c.choices[0]!.message.refusal, null);
      assert.equal(sim.requests[0]!.body.response_format.type, "json_schema");
      if (stepsDown.includes(name)) {
        assert.equal(sim.requests.length, 2);
        assert.deepEqual(sim.requests[1]!.body.response_format, { type: "json_object" });
        assert.match(sim.requests[1]!.body.messages[0].content, /JSON Schema:\n\{/);
        assert.equal(strategyWarnings(c).length, 1, JSON.stringify(c.warnings));
        // Remembered: the next call starts at json_object.
        const again = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
        assertNpc(again.choices[0]!.message.parsed, `${name}, again`);
        assert.deepEqual(sim.requests.slice(2).map((r) => r.body.response_format.type), ["json_object"]);
      } else {
        assert.equal(sim.requests.length, 1);
        assert.equal(strategyWarnings(c).length, 0, JSON.stringify(c.warnings));
      }
    });
  });

  test(`${name}: streamed parse() through a plain client: partials as the value arrives, then the validated value`, async () => {
    await withSim({ dialect: name }, {}, async (_sim, llm) => {
      const s = await llm.chat.completions.parse({ messages: user(question), response_format: Npc, stream: true });
      const seen: unknown[] = [];
      for await (const partial of s.partialObjectStream) seen.push(partial);
      assert.ok(seen.length >= 1, "no partial");
      const f = await s.finalChatCompletion();
      const parsed = f.choices[0]!.message.parsed;
      assertNpc(parsed, `${name} streamed`);
      assert.deepEqual(seen.at(-1), parsed, "the last partial is the whole value");
      if (stepsDown.includes(name)) assert.equal(strategyWarnings(f).length, 1, JSON.stringify(f.warnings));
    });
  });

  test(`${name}: a scripted refusal gives parsed null and the refusal text, streamed or not, with no repair turn`, async () => {
    const refusal = "I can't help with that.";
    await withSim({ dialect: name, script: [{ refusal }, { refusal }] }, {}, async (sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
      assert.equal(c.choices[0]!.message.parsed, null);
      assert.equal(c.choices[0]!.message.refusal, refusal);
      const s = await llm.chat.completions.parse({ messages: user(question), response_format: Npc, stream: true });
      const f = await s.finalChatCompletion();
      assert.equal(f.choices[0]!.message.parsed, null);
      assert.equal(f.choices[0]!.message.refusal, refusal);
      assert.equal(sim.engine.pending, 0);
      assert.ok(sim.requests.every((r) => r.body.messages.at(-1).content === question), "no repair turn was sent");
    });
  });
}

for (const name of names) {
  const preset = presets[name];
  const model = preset.defaultModel ?? "sim-model";
  // Groq decides per model: its preset's default model may be one without json_schema.
  const refused = typeof dialects[name].responseFormat.jsonSchema === "object" || !!dialects[name].responseFormat.jsonSchemaModels?.unsupported.includes(model);
  const declared = preset.capabilities?.structuredOutput ?? "json_schema";
  const first = typeof declared === "function" ? declared(model) : declared;
  test(`${name} through its own preset (${model}): starts at ${first}${refused && first === "json_schema" ? ", is refused and steps down" : ""}; the value validates`, async () => {
    await withSim({ dialect: name }, { provider: name, apiKey: "sk-test-000000", model }, async (sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
      const v = c.choices[0]!.message.parsed;
      assert.ok(v, JSON.stringify(c.choices[0]!.message));
      assert.deepEqual(Npc.parse(v), v);
      const types = sim.requests.map((r) => r.body.response_format.type);
      if (first === "json_object") {
        // DeepSeek's preset (and Groq's, for its default model) knows: JSON mode with the schema in the system message, no 400 first.
        assert.deepEqual(types, ["json_object"]);
        assert.equal(strategyWarnings(c).length, 1);
      } else if (refused) {
        assert.deepEqual(types, ["json_schema", "json_object"]);
        assert.equal(strategyWarnings(c).length, 1);
      } else {
        assert.deepEqual(types, ["json_schema"]);
        assert.equal(strategyWarnings(c).length, 0, JSON.stringify(c.warnings));
      }
      if (preset.capabilities?.strictJsonSchema) {
        // OpenAI's strict mode: the schema went out strict-compatible, and the server's strict check passed it.
        assert.equal(sim.requests[0]!.body.response_format.json_schema.strict, true);
        assert.equal(typeof v.motive, "string", "a strict answer fills every property; a non-null one is kept");
      }
    });
  });
}

test("Groq with the simulator's model listed as lacking json_schema (jsonSchemaUnsupported): a plain client steps down too", async () => {
  await withSim({ dialect: "groq", jsonSchemaUnsupported: ["sim-model"] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
    assertNpc(c.choices[0]!.message.parsed, "groq, sim-model listed as without json_schema");
    assert.deepEqual(sim.requests.map((r) => r.body.response_format.type), ["json_schema", "json_object"]);
    assert.equal(strategyWarnings(c).length, 1);
  });
});

test("legacy DeepSeek (early 2025) refuses json_schema with a plain-text 422: the client steps down all the same", async () => {
  await withSim({ dialect: "deepseek", legacy: true }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc });
    assertNpc(c.choices[0]!.message.parsed, "legacy deepseek");
    assert.deepEqual(sim.requests.map((r) => r.body.response_format.type), ["json_schema", "json_object"]);
    assert.equal(strategyWarnings(c).length, 1);
  });
});

test("legacy Ollama (0.3) ignores json_schema: free text, so parse() fails after its repair; forcing json_object works", async () => {
  await withSim({ dialect: "ollama", legacy: true }, {}, async (sim, llm) => {
    const e = await rejection(llm.chat.completions.parse({ messages: user(question), response_format: Npc }));
    assert.ok(e instanceof StructuredOutputError, String(e));
    assert.match(e.raw, /^You said: /);
    assert.equal(e.attempts, 2);
    assert.deepEqual(sim.requests.map((r) => r.body.response_format.type), ["json_schema", "json_schema"], "nothing refused it");
    const c = await llm.chat.completions.parse({ messages: user(question), response_format: Npc, structuredOutput: "json_object" });
    assertNpc(c.choices[0]!.message.parsed, "legacy ollama, json_object");
  });
});
