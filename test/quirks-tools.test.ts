import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError, ToolArgumentsError, parseToolArguments, type SimRawReply } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

function sse(...frames: object[]): SimRawReply {
  return { kind: "raw", body: frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join("") + "data: [DONE]\n\n" };
}
const tc = (tool_calls: object[], finish: string | null = null) => ({ id: "c", choices: [{ index: 0, delta: { tool_calls }, finish_reason: finish }] });
const tools = [{ type: "function" as const, function: { name: "roll", parameters: { type: "object" } } }];

async function streamed(reply: SimRawReply | object, preset: Record<string, unknown> = {}, dialect?: any, legacy = false) {
  return withSim({ dialect, legacy, script: [reply as any] }, preset, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("go"), tools, tool_choice: "required", stream: true });
    return s.finalChatCompletion();
  });
}

test("T1: tool-call deltas without `index` are correlated by id, else by position", async () => {
  const f = await streamed(sse(
    tc([{ id: "a", type: "function", function: { name: "roll", arguments: '{"d":' } }]),
    tc([{ function: { arguments: "6}" } }]),
    tc([{ id: "b", type: "function", function: { name: "look", arguments: "{}" } }]),
    tc([{ id: "a", function: { arguments: "" } }], "tool_calls"),
  ));
  assert.deepEqual(f.choices[0]!.message.tool_calls!.map((t) => [t.id, t.function.name, t.function.arguments]), [["a", "roll", '{"d":6}'], ["b", "look", "{}"]]);
});

test("T1 T5 (legacy ollama dialect): whole calls without index, two in a row, stay two calls", async () => {
  const f = await streamed({ toolCalls: [{ name: "roll", arguments: '{"d":20}' }, { name: "look", arguments: '{"at":"door"}' }] }, { provider: "ollama" }, "ollama", true);
  assert.deepEqual(f.choices[0]!.message.tool_calls!.map((t) => [t.function.name, t.function.arguments]), [["roll", '{"d":20}'], ["look", '{"at":"door"}']]);
  assert.ok(f.choices[0]!.message.tool_calls!.every((t) => t.id && t.type === "function"));
});

test("T2: parallel calls all at index 0, each with its own id, become separate calls", async () => {
  const f = await streamed(sse(
    tc([{ index: 0, id: "x1", function: { name: "roll", arguments: '{"a":1}' } }]),
    tc([{ index: 0, id: "x2", function: { name: "roll", arguments: '{"a":2}' } }], "tool_calls"),
  ));
  assert.deepEqual(f.choices[0]!.message.tool_calls!.map((t) => [t.id, t.function.arguments]), [["x1", '{"a":1}'], ["x2", '{"a":2}']]);
});

test("T3 (legacy llamacpp dialect): name and id repeated in every delta are not concatenated", async () => {
  const f = await streamed({ toolCalls: [{ id: "call_1", name: "roll_dice", arguments: '{"dice":"3d8","bonus":2}' }] }, { provider: "llamacpp" }, "llamacpp", true);
  const t = f.choices[0]!.message.tool_calls![0]!;
  assert.equal(t.function.name, "roll_dice");
  assert.equal(t.id, "call_1");
  assert.equal(t.function.arguments, '{"dice":"3d8","bonus":2}');
});

test("T4: a first delta without the name: arguments are held until the name arrives", async () => {
  const f = await streamed(sse(
    tc([{ index: 0, function: { arguments: '{"x":' } }]),
    tc([{ index: 0, id: "late", function: { name: "roll", arguments: "1}" } }], "tool_calls"),
  ));
  const t = f.choices[0]!.message.tool_calls![0]!;
  assert.deepEqual([t.id, t.function.name, t.function.arguments], ["late", "roll", '{"x":1}']);
});

test("T4: a name that never arrives still keeps the arguments (flushed at the end)", async () => {
  const f = await streamed(sse(tc([{ index: 0, function: { arguments: '{"x":1}' } }], "tool_calls")));
  assert.equal(f.choices[0]!.message.tool_calls![0]!.function.arguments, '{"x":1}');
});

test("T6: object arguments are serialised to a JSON string (stream and non-stream)", async () => {
  const f = await streamed({ toolCalls: [{ name: "roll", arguments: { dice: "1d4" } }] });
  assert.equal(f.choices[0]!.message.tool_calls![0]!.function.arguments, '{"dice":"1d4"}');
  await withSim({ script: [{ toolCalls: [{ name: "roll", arguments: { dice: "1d4" } }] }] }, {}, async (_s, llm) => {
    const c = await llm.chat.completions.create({ messages: user("go"), tools });
    assert.equal(c.choices[0]!.message.tool_calls![0]!.function.arguments, '{"dice":"1d4"}');
    assert.equal(c.choices[0]!.finish_reason, "tool_calls");
  });
});

test("T7: `arguments: \"\"` for a tool without parameters becomes \"{}\"", async () => {
  const f = await streamed(sse(tc([{ index: 0, id: "n", function: { name: "end_turn", arguments: "" } }], "tool_calls")));
  assert.equal(f.choices[0]!.message.tool_calls![0]!.function.arguments, "{}");
});

test("T8 (vllm dialect): null and empty argument deltas, then the whole arguments", async () => {
  const f = await streamed({ toolCalls: [{ name: "roll", arguments: '{"d":12}' }] }, { provider: "vllm" }, "vllm");
  assert.equal(f.choices[0]!.message.tool_calls![0]!.function.arguments, '{"d":12}');
  assert.equal(f.choices[0]!.finish_reason, "tool_calls");
});

test("T9: malformed arguments are kept raw; parseToolArguments throws ToolArgumentsError carrying them", async () => {
  const raw = '{"a":1}{"a":2}</tool_call>';
  const f = await streamed({ toolCalls: [{ name: "roll", arguments: raw }] });
  const call = f.choices[0]!.message.tool_calls![0]!;
  assert.equal(call.function.arguments, raw);
  const e = (() => { try { parseToolArguments(call); } catch (err) { return err; } })() as ToolArgumentsError;
  assert.ok(e instanceof ToolArgumentsError);
  assert.equal(e.raw, raw);
  assert.deepEqual(parseToolArguments({ function: { name: "x", arguments: '{"ok":true}' } }), { ok: true });
});

test("T10 (mistral dialect): tool-call ids are rewritten to 9 alphanumerics, consistently for call and result", async () => {
  await withSim({ dialect: "mistral", script: [{ text: "ok" }] }, { provider: "mistral", apiKey: "mistral-test-key" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({
      messages: [
        { role: "user", content: "roll" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_abc123XYZ_long", type: "function", function: { name: "roll", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_abc123XYZ_long", content: "17" },
      ],
    });
    assert.equal(c.choices[0]!.message.content, "ok");
    const sent = sim.requests[0]!.body.messages;
    assert.match(sent[1].tool_calls[0].id, /^[A-Za-z0-9]{9}$/);
    assert.equal(sent[1].tool_calls[0].id, sent[2].tool_call_id);
    assert.equal(c.warnings?.some((w) => w.type === "tool-call-id-rewritten"), true);
  });
});

test("T11 (groq dialect): tool_use_failed 400 exposes failed_generation", async () => {
  const script = [{ kind: "error" as const, status: 400, message: "Failed to call a function. Please adjust your prompt.", code: "tool_use_failed", extra: { failed_generation: '<function=roll>{"d":}' } }];
  await withSim({ dialect: "groq", script }, { provider: "groq", apiKey: "gsk_test_123456789" }, async (_s, llm) => {
    const e = await rejection(llm.chat.completions.create({ messages: user("go"), tools }));
    assert.ok(e instanceof BadRequestError);
    assert.equal(e.code, "tool_use_failed");
    assert.equal(e.failedGeneration, '<function=roll>{"d":}');
  });
});

test("T12 (vllm dialect): auto tool choice without the server flag → BadRequestError with the hint", async () => {
  await withSim({ dialect: "vllm" }, { provider: "vllm" }, async (_s, llm) => {
    const e = await rejection(llm.chat.completions.create({ messages: user("go"), tools, tool_choice: "auto" }));
    assert.ok(e instanceof BadRequestError);
    assert.match(e.message, /--enable-auto-tool-choice --tool-call-parser/);
    assert.equal(e.status, 400);
  });
});

test("parallel tool calls with fragments interleaved by index accumulate per call", async () => {
  const f = await streamed(sse(
    tc([{ index: 0, id: "a", function: { name: "f", arguments: '{"n":' } }, { index: 1, id: "b", function: { name: "g", arguments: '{"m":' } }]),
    tc([{ index: 1, function: { arguments: "2}" } }]),
    tc([{ index: 0, function: { arguments: "1}" } }], "tool_calls"),
  ));
  assert.deepEqual(f.choices[0]!.message.tool_calls!.map((t) => [t.id, t.function.name, t.function.arguments]), [["a", "f", '{"n":1}'], ["b", "g", '{"m":2}']]);
});
