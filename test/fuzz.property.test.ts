import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ChatCompletionAccumulator } from "./exports.js";
import { user, withSim } from "./helpers.js";

// Whatever a server puts in a chunk, in whatever type: the pipeline never throws (except the one
// deliberate signal for finish_reason "error"), and what it promises callers holds.
const weird = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.integer(), fc.boolean(), fc.constant(""), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }));
const part = fc.oneof(fc.string(), fc.record({ type: fc.constantFrom("text", "thinking", "image_url", "x"), text: fc.string(), thinking: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant("text"), text: fc.string() }), { maxLength: 2 })) }, { requiredKeys: ["type"] }));
const toolCall = fc.record({
  index: fc.oneof(fc.nat(3), weird),
  id: fc.oneof(fc.constantFrom("a", "b", "c"), weird),
  type: fc.oneof(fc.constant("function"), weird),
  function: fc.oneof(fc.record({ name: fc.oneof(fc.constantFrom("f", "g"), weird), arguments: fc.oneof(fc.string({ maxLength: 6 }), weird, fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 })) }, { requiredKeys: [] }), weird),
}, { requiredKeys: [] });
const delta = fc.record({
  role: fc.oneof(fc.constant("assistant"), weird),
  content: fc.oneof(fc.string(), weird, fc.array(part, { maxLength: 3 })),
  reasoning: fc.oneof(fc.string(), weird),
  reasoning_content: fc.oneof(fc.string(), weird),
  tool_calls: fc.oneof(fc.array(fc.oneof(toolCall, weird), { maxLength: 3 }), weird),
}, { requiredKeys: [] });
const choice = fc.record({
  index: fc.oneof(fc.nat(2), weird),
  delta: fc.oneof(delta, weird),
  message: fc.oneof(delta, weird),
  finish_reason: fc.oneof(fc.constantFrom("stop", "length", "tool_calls", "eos", "end_turn", "", "error"), weird),
}, { requiredKeys: [] });
const chunk = fc.record({
  id: fc.oneof(fc.string({ maxLength: 4 }), weird),
  model: fc.oneof(fc.string({ maxLength: 4 }), weird),
  created: fc.oneof(fc.nat(), weird),
  choices: fc.oneof(fc.array(fc.oneof(choice, weird), { maxLength: 3 }), weird),
  usage: fc.oneof(fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() }), fc.constant(null), fc.constant(undefined)),
}, { requiredKeys: [] });

test("fuzz: any chunk shapes and types never crash the normaliser or accumulator; results keep their promises", () => {
  fc.assert(
    fc.property(fc.array(chunk, { maxLength: 8 }), fc.boolean(), (chunks, think) => {
      const acc = new ChatCompletionAccumulator({ thinkTags: think, model: "m" });
      for (const c of chunks) {
        const out = acc.add(structuredClone(c) as Record<string, unknown>);
        if (acc.failure) return; // finish_reason "error": the stream's typed error path
        assert.ok(Array.isArray(out.choices));
        for (const ch of out.choices) {
          assert.equal(typeof ch.index, "number");
          assert.ok(ch.delta && typeof ch.delta === "object");
          assert.ok(ch.delta.content === undefined || ch.delta.content === null || typeof ch.delta.content === "string");
          for (const t of ch.delta.tool_calls ?? []) assert.ok(t.function?.arguments === undefined || typeof t.function.arguments === "string");
        }
      }
      const final = acc.finish([]);
      assert.ok(final.choices.length >= 1);
      for (const c of final.choices) {
        assert.equal(c.message.role, "assistant");
        assert.ok(c.message.content === null || typeof c.message.content === "string");
        assert.ok(c.message.reasoning_content === undefined || typeof c.message.reasoning_content === "string");
        assert.ok(["stop", "length", "tool_calls", "content_filter", "function_call"].includes(c.finish_reason as string));
        for (const t of c.message.tool_calls ?? []) {
          assert.equal(typeof t.id, "string");
          assert.equal(typeof t.function.name, "string");
          assert.equal(typeof t.function.arguments, "string");
        }
      }
    }),
    { numRuns: Number(process.env.RUNS ?? 1500) },
  );
});

test("Mistral Magistral-style content parts: thinking parts become reasoning, text parts content", async () => {
  const frames = [
    { id: "m", choices: [{ index: 0, delta: { role: "assistant", content: [{ type: "thinking", thinking: [{ type: "text", text: "Hmm, " }] }] } }] },
    { id: "m", choices: [{ index: 0, delta: { content: [{ type: "thinking", thinking: [{ type: "text", text: "a riddle." }] }] } }] },
    { id: "m", choices: [{ index: 0, delta: { content: [{ type: "text", text: "The answer " }] } }] },
    { id: "m", choices: [{ index: 0, delta: { content: "is fire." }, finish_reason: "stop" }] },
  ];
  const body = frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join("") + "data: [DONE]\n\n";
  await withSim({ dialect: "mistral", script: [{ kind: "raw", body }] }, { provider: "mistral", apiKey: "mistral-key" }, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("riddle"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.reasoning_content, "Hmm, a riddle.");
    assert.equal(f.choices[0]!.message.content, "The answer is fire.");
  });
});

test("fuzz: any bytes on the wire end a stream as a completion or a typed LlmError, never anything else", async () => {
  const { ChatStream } = await import("../src/stream/chat-stream.js");
  const { Attempt } = await import("../src/http/attempt.js");
  const { LlmError } = await import("./exports.js");
  const frame = fc.oneof(
    chunk.map((c) => `data: ${JSON.stringify(c)}\n\n`),
    fc.constantFrom("data: [DONE]\n\n", ": keep-alive\n\n", "event: error\ndata: {\"error\":{\"message\":\"x\"}}\n\n", "data: {not json\n\n", "\r\n", "data: {\"error\":\"boom\"}\n\n", "{\"bare\":1}\n"),
    fc.string({ maxLength: 20 }),
  );
  const enc = new TextEncoder();
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { maxLength: 10 }), fc.array(fc.nat(400), { maxLength: 5 }), async (frames, cuts) => {
      const bytes = enc.encode(frames.join(""));
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      let i = 0;
      const pieces: Uint8Array[] = [];
      let prev = 0;
      for (const p of [...points, bytes.length]) {
        pieces.push(bytes.subarray(prev, p));
        prev = p;
      }
      const body = new ReadableStream<Uint8Array>({ pull(c) { if (i < pieces.length) c.enqueue(pieces[i++]!); else c.close(); } });
      const s = new ChatStream({ response: new Response(body, { headers: { "content-type": "text/event-stream" } }), attempt: new Attempt(undefined, 5000, "fuzz"), idleTimeout: 5000, provider: "fuzz", model: "m", requestId: undefined, hooks: undefined, thinkTags: true, apiKey: undefined, maxStreamSize: 1 << 20, maxEventSize: 1 << 16, warnings: [], warn: () => {} });
      try {
        const f = await s.finalChatCompletion();
        assert.ok(Array.isArray(f.choices) && f.choices.length >= 1);
      } catch (e) {
        assert.ok(e instanceof LlmError, `not a typed error: ${e}`);
      }
    }),
    { numRuns: Number(process.env.RUNS ?? 500) },
  );
});
