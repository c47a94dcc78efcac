import { test } from "node:test";
import assert from "node:assert/strict";
import * as z from "zod";
import * as v from "valibot";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { ConfigError, parseToolArguments, StructuredOutputError, tool, ToolArgumentsError, type SimReply } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

// parse(): a typed, validated value from a schema, on every server: zod 4, valibot (through its
// Standard JSON Schema converter) and a plain JSON Schema give the same result.

const Npc = z.object({ name: z.string(), race: z.enum(["elf", "dwarf", "human"]), motive: z.string().optional() });
const npcJsonSchema = {
  type: "object",
  properties: { name: { type: "string" }, race: { type: "string", enum: ["elf", "dwarf", "human"] }, motive: { type: "string" } },
  required: ["name", "race"],
};
const schemas: [string, unknown][] = [
  ["zod 4", Npc],
  ["valibot", toStandardJsonSchema(v.object({ name: v.string(), race: v.picklist(["elf", "dwarf", "human"]), motive: v.optional(v.string()) }))],
  ["JSON Schema", { type: "json_schema", json_schema: { name: "npc", schema: npcJsonSchema } }],
];
const bram = { name: "Bram", race: "dwarf", motive: "gold" };

for (const [lib, schema] of schemas) {
  test(`parse with ${lib}: the schema goes out as json_schema, the value comes back validated`, async () => {
    await withSim({ script: [{ text: JSON.stringify(bram) }] }, {}, async (sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user("Invent an innkeeper."), response_format: schema });
      assert.deepEqual(c.choices[0]!.message.parsed, bram);
      assert.equal(c.choices[0]!.message.refusal, null);
      const rf = sim.requests[0]!.body.response_format;
      assert.equal(rf.type, "json_schema");
      assert.deepEqual(rf.json_schema.schema.required, ["name", "race"]);
      assert.equal(rf.json_schema.schema.$schema, undefined, "$schema is not sent");
    });
  });

  test(`parse with ${lib}: an invalid answer gets one repair turn quoting the issues; usage is summed`, async () => {
    const bad = { text: JSON.stringify({ name: "Bram", race: "orc" }), usage: { prompt_tokens: 10, completion_tokens: 5 } };
    const good = { text: JSON.stringify(bram), usage: { prompt_tokens: 30, completion_tokens: 6 } };
    await withSim({ script: [bad, good] }, {}, async (sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user("Invent an innkeeper."), response_format: schema });
      assert.deepEqual(c.choices[0]!.message.parsed, bram);
      assert.deepEqual(c.usage, { prompt_tokens: 40, completion_tokens: 11, total_tokens: 51 });
      const second = sim.requests[1]!.body.messages;
      assert.equal(second.at(-2).role, "assistant");
      assert.equal(second.at(-2).content, bad.text);
      assert.match(second.at(-1).content, /did not match the required JSON Schema:\n- race: /);
      assert.ok(c.warnings?.some((w) => w.type === "structured-output-repaired"));
    });
  });
}

test("still invalid after the repairs allowed: StructuredOutputError with the raw text, the issues and the attempts", async () => {
  // Four invalid answers: with nothing scripted the simulator would answer a valid instance of the schema.
  await withSim({ script: [{ text: '{"name":1}' }, { text: '{"name":2}' }, { text: '{"name":3}' }, { text: '{"name":4}' }] }, {}, async (sim, llm) => {
    const e = await rejection(llm.chat.completions.parse({ messages: user("x"), response_format: Npc, maxRepairs: 2 }));
    assert.ok(e instanceof StructuredOutputError, String(e));
    assert.equal(e.raw, '{"name":3}');
    assert.equal(e.attempts, 3);
    assert.deepEqual(e.issues.map((i: { path: unknown[] }) => i.path), [["name"], ["race"]]);
    assert.equal(sim.requests.length, 3);
    const none = await rejection(llm.chat.completions.parse({ messages: user("x"), response_format: Npc, maxRepairs: 0 }));
    assert.ok(none instanceof StructuredOutputError);
    assert.equal(none.attempts, 1);
  });
});

for (const [what, text, fix] of [
  ["a code fence", "Here you go:\n```json\n" + JSON.stringify(bram, null, 2) + "\n```", /code fence/],
  ["a sentence of prose around it", `Sure! The innkeeper is ${JSON.stringify(bram)}. Enjoy.`, /ignored text around the JSON/],
  ["a <think> block first", `<think>A dwarf fits.</think>\n${JSON.stringify(bram)}`, /<think>/],
  ["a trailing comma", '{"name":"Bram","race":"dwarf","motive":"gold",}', /trailing commas/],
  ["a byte-order mark", "\ufeff" + JSON.stringify(bram), /byte-order mark/],
] as [string, string, RegExp][]) {
  test(`lenient extraction: JSON after ${what} is read, with a warning saying so`, async () => {
    await withSim({ script: [{ text }] }, {}, async (_sim, llm) => {
      const c = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc });
      assert.deepEqual(c.choices[0]!.message.parsed, bram);
      const w = c.warnings?.find((x) => x.type === "structured-output-extracted");
      assert.ok(w, JSON.stringify(c.warnings));
      assert.match(w.message, fix);
    });
  });
}

test("a refusal: parsed is null, refusal holds the text, and no repair is attempted", async () => {
  const body = JSON.stringify({ id: "r", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." }, finish_reason: "stop" }] });
  await withSim({ script: [{ kind: "raw", contentType: "application/json", body }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc });
    assert.equal(c.choices[0]!.message.parsed, null);
    assert.equal(c.choices[0]!.message.refusal, "I can't help with that.");
    assert.equal(sim.requests.length, 1);
  });
});

test("strict json_schema (the OpenAI preset): every property required, optional ones nullable, no extra properties; the null comes back as absent", async () => {
  await withSim({ script: [{ text: JSON.stringify({ name: "Bram", race: "dwarf", motive: null }) }] }, { provider: "openai", apiKey: "sk-test-000000" }, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc });
    assert.deepEqual(c.choices[0]!.message.parsed, { name: "Bram", race: "dwarf" });
    const rf = sim.requests[0]!.body.response_format.json_schema;
    assert.equal(rf.strict, true);
    assert.deepEqual([...rf.schema.required].sort(), ["motive", "name", "race"]);
    assert.equal(rf.schema.additionalProperties, false);
    assert.ok(c.warnings?.some((w) => w.type === "schema-made-strict" && /motive/.test(w.message)), JSON.stringify(c.warnings));
  });
});

test("a server that takes only JSON mode (DeepSeek preset): json_object with the schema in the system message, and a warning", async () => {
  await withSim({ script: [{ text: JSON.stringify(bram) }] }, { provider: "deepseek", apiKey: "sk-test-000000" }, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: [{ role: "system", content: "You are a DM." }, ...user("x")], response_format: Npc });
    assert.deepEqual(c.choices[0]!.message.parsed, bram);
    const body = sim.requests[0]!.body;
    assert.deepEqual(body.response_format, { type: "json_object" });
    assert.match(body.messages[0].content, /^You are a DM\.\n\nReply with one JSON value and nothing else.*"race"/s);
    assert.ok(c.warnings?.some((w) => w.type === "structured-output-strategy"));
  });
});

test("a 400 naming response_format steps down (json_schema → json_object → prompt) and the client remembers", async () => {
  const refuse = (what: string): SimReply => ({ kind: "error", status: 400, message: `response_format type ${what} is not supported`, param: "response_format" });
  await withSim({ script: [refuse("json_schema"), refuse("json_object"), { text: JSON.stringify(bram) }, { text: JSON.stringify(bram) }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc });
    assert.deepEqual(c.choices[0]!.message.parsed, bram);
    assert.equal(sim.requests[0]!.body.response_format.type, "json_schema");
    assert.deepEqual(sim.requests[1]!.body.response_format, { type: "json_object" });
    assert.equal(sim.requests[2]!.body.response_format, undefined);
    assert.match(sim.requests[2]!.body.messages[0].content, /Reply with one JSON value/);
    await llm.chat.completions.parse({ messages: user("again"), response_format: Npc });
    assert.equal(sim.requests[3]!.body.response_format, undefined, "remembered: prompt only from now on");
  });
});

test("structuredOutput per call overrides the preset: prompt only", async () => {
  await withSim({ script: [{ text: JSON.stringify(bram) }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc, structuredOutput: "prompt" });
    assert.deepEqual(c.choices[0]!.message.parsed, bram);
    assert.equal(sim.requests[0]!.body.response_format, undefined);
    assert.equal(sim.requests[0]!.body.structuredOutput, undefined, "our own option never goes on the wire");
  });
});

test("a schema whose root is not an object (a verdict enum) travels wrapped and comes back unwrapped", async () => {
  await withSim({ script: [{ text: '{"value":"PASS"}' }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.parse({ messages: user("Is it good?"), response_format: z.enum(["PASS", "FAIL"]) });
    const verdict: "PASS" | "FAIL" | null = c.choices[0]!.message.parsed;
    assert.equal(verdict, "PASS");
    assert.deepEqual(sim.requests[0]!.body.response_format.json_schema.schema.required, ["value"]);
  });
});

test("a Standard Schema without a JSON Schema converter needs { jsonSchema }: ConfigError saying so, or it works when given", async () => {
  const plain = v.object({ name: v.string() });
  await withSim({ script: [{ text: '{"name":"Ada"}' }] }, {}, async (_sim, llm) => {
    const e = await rejection(llm.chat.completions.parse({ messages: user("x"), response_format: plain }));
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /toStandardJsonSchema|jsonSchema/);
    const c = await llm.chat.completions.parse({ messages: user("x"), response_format: plain, jsonSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } });
    assert.deepEqual(c.choices[0]!.message.parsed, { name: "Ada" });
  });
});

test("streamed parse: partialObjectStream yields growing snapshots, finalChatCompletion the validated value", async () => {
  const text = JSON.stringify({ name: "Bramwell Stonefoot", race: "dwarf", motive: "to reopen the old mine" });
  await withSim({ script: [{ chunks: text.match(/[\s\S]{1,5}/g)! }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.parse({ messages: user("x"), response_format: Npc, stream: true });
    const seen: unknown[] = [];
    for await (const partial of s.partialObjectStream) seen.push(partial);
    assert.ok(seen.length > 5, `only ${seen.length} snapshots`);
    assert.deepEqual(seen[seen.length - 1], JSON.parse(text));
    assert.ok(seen.some((p) => typeof (p as { name?: string }).name === "string" && (p as { name: string }).name.length < "Bramwell Stonefoot".length), "a partial string was seen");
    const f = await s.finalChatCompletion();
    assert.deepEqual(f.choices[0]!.message.parsed, JSON.parse(text));
  });
});

test("tool(): sent as a plain function tool with its JSON Schema; arguments validated and typed by parseToolArguments", async () => {
  const rollDice = tool({
    name: "roll_dice", description: "Roll dice like 2d6+1",
    parameters: z.object({ expr: z.string(), advantage: z.boolean().optional() }),
    execute: async ({ expr }) => `rolled ${expr}`,
  });
  await withSim({ script: [{ toolCalls: [{ name: "roll_dice", arguments: '{"expr":"2d6+1"}' }] }, { toolCalls: [{ name: "roll_dice", arguments: '{"expr":7}' }] }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("roll"), tools: [rollDice] });
    const wire = sim.requests[0]!.body.tools;
    assert.deepEqual(Object.keys(wire[0]).sort(), ["function", "type"]);
    assert.equal(wire[0].function.name, "roll_dice");
    assert.deepEqual(wire[0].function.parameters.required, ["expr"]);
    const args = parseToolArguments(c.choices[0]!.message.tool_calls![0]!, rollDice);
    const expr: string = args.expr;
    assert.equal(expr, "2d6+1");
    const bad = await llm.chat.completions.create({ messages: user("roll"), tools: [rollDice] });
    const e = (() => { try { parseToolArguments(bad.choices[0]!.message.tool_calls![0]!, rollDice); } catch (err) { return err; } })();
    assert.ok(e instanceof ToolArgumentsError);
    assert.equal(e.raw, '{"expr":7}');
    assert.deepEqual(e.issues.map((i) => i.path), [["expr"]]);
  });
});

test("extra_body is merged into the request body as is", async () => {
  await withSim({ script: [{ text: "ok" }] }, {}, async (sim, llm) => {
    await llm.chat.completions.create({ messages: user("x"), extra_body: { guided_choice: ["a", "b"], top_k: 5 } });
    assert.deepEqual(sim.requests[0]!.body.guided_choice, ["a", "b"]);
    assert.equal(sim.requests[0]!.body.top_k, 5);
    assert.equal(sim.requests[0]!.body.extra_body, undefined);
  });
});

test("JSON mode refused for want of the word \"json\" (OpenAI, Groq, DeepSeek): the instruction is added, JSON mode kept, nothing remembered", async () => {
  await withSim({ dialect: "openai", script: [{ text: '{"ok":true}' }, { text: '{"ok":true}' }] }, {}, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("Give me the answer as an object."), response_format: { type: "json_object" } });
    assert.equal(c.choices[0]!.message.content, '{"ok":true}');
    assert.equal(sim.requests.length, 2);
    assert.deepEqual(sim.requests[1]!.body.response_format, { type: "json_object" });
    assert.match(sim.requests[1]!.body.messages[0].content, /JSON/);
    assert.ok(c.warnings?.some((w) => /word "json"/.test(w.message)));
    await llm.chat.completions.create({ messages: user("again, as an object"), response_format: { type: "json_object" } });
    assert.deepEqual(sim.requests[2]!.body.response_format, { type: "json_object" }, "not stepped down for later requests");
  });
});

test("a strict schema the server finds invalid is the caller's error, not a reason to step down", async () => {
  await withSim({ dialect: "openai", script: [] }, {}, async (sim, llm) => {
    const loose = { type: "json_schema" as const, json_schema: { name: "npc", strict: true, schema: { type: "object", properties: { name: { type: "string" } } } } };
    const e = await rejection(llm.chat.completions.create({ messages: user("x"), response_format: loose }));
    assert.match(String(e?.message), /Invalid schema for response_format/);
    assert.equal(sim.requests.length, 1);
  });
});

test("Groq's preset picks per model: json_schema for gpt-oss, JSON mode for its default model", async () => {
  await withSim({ dialect: "groq" }, { provider: "groq", apiKey: "gsk-test-000000", model: undefined }, async (sim, llm) => {
    await llm.chat.completions.parse({ messages: user("x"), response_format: Npc, model: "openai/gpt-oss-20b" });
    await llm.chat.completions.parse({ messages: user("x"), response_format: Npc });
    assert.deepEqual(sim.requests.map((r) => [r.body.model, r.body.response_format.type]), [["openai/gpt-oss-20b", "json_schema"], ["llama-3.3-70b-versatile", "json_object"]]);
  });
});
