import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SseDecoder, ChatCompletionAccumulator } from "../src/index.js";
import { renderChunks } from "../src/testing/render-chat.js";
import { resolveDialect, type DialectName } from "../src/testing/index.js";

const enc = new TextEncoder();

/** What the client does with a body: decode, normalise, accumulate. */
function run(bytes: Uint8Array, cuts: number[], dialect: string, thinkTags = false) {
  const d = new SseDecoder();
  const acc = new ChatCompletionAccumulator({ thinkTags, model: "m" });
  let prev = 0;
  const feed = (evs: { data: string }[]) => {
    for (const e of evs) if (e.data !== "[DONE]") acc.add(JSON.parse(e.data));
  };
  for (const c of [...cuts, bytes.length]) {
    feed(d.push(bytes.subarray(prev, c)));
    prev = c;
  }
  feed(d.end());
  const final = acc.finish([]);
  delete (final as any).created;
  void dialect;
  return final;
}

const reply = {
  text: "The tavern 🍺 is dim; a bard sings of ünder-dark horrors.",
  reasoning: "They want atmosphere. Keep it short.",
  toolCalls: [
    { id: "call_a", name: "roll_dice", arguments: '{"dice":"2d6","reason":"perception ✓"}' },
    { id: "call_b", name: "lookup_npc", arguments: '{"name":"Grimbold"}' },
  ],
  choices: 2,
};

// Legacy variants keep the older releases' shapes under the property too (T1 without index, T3 repeats, F2 "").
for (const [name, legacy] of [["openai", false], ["ollama", false], ["ollama", true], ["llamacpp", false], ["llamacpp", true], ["vllm", false], ["groq", false], ["deepseek", false]] as [DialectName, boolean][]) {
  test(`S3 property (${legacy ? "legacy " : ""}${name} dialect): any split of a stream's bytes gives the same ChatCompletion`, () => {
    const body = { model: "m", stream: true, stream_options: { include_usage: true } };
    const text = renderChunks(reply, resolveDialect(name, legacy), body).map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
    const bytes = enc.encode(text);
    const whole = run(bytes, [], name);
    // The accumulated result is what the reply said, whatever the dialect.
    assert.equal(whole.choices.length, 2);
    for (const c of whole.choices) {
      assert.equal(c.message.content, reply.text);
      assert.equal(c.message.reasoning_content, reply.reasoning);
      assert.deepEqual(c.message.tool_calls?.map((t) => [t.function.name, t.function.arguments]), reply.toolCalls.map((t) => [t.name, t.arguments]));
      assert.equal(c.finish_reason, "tool_calls");
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 60 }), (cuts) => {
        const got = run(bytes, cuts.sort((a, b) => a - b), name);
        // Synthesised ids (dialects without ids) differ run to run; compare the rest.
        assert.deepEqual(strip(got), strip(whole));
      }),
      { numRuns: 200 },
    );
  });
}

test("R3 property: <think> tags split across any chunk boundaries give the same reasoning and content", () => {
  const content = "<think>Should the dragon attack? Yes.</think>\n\nThe dragon attacks!";
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: content.length - 1 }), { maxLength: 12 }), (cuts) => {
      cuts.sort((a, b) => a - b);
      const pieces: string[] = [];
      let prev = 0;
      for (const c of [...cuts, content.length]) {
        pieces.push(content.slice(prev, c));
        prev = c;
      }
      const text = pieces.map((p) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: p } }] })}\n\n`).join("");
      const got = run(enc.encode(text), [], "x", true);
      assert.equal(got.choices[0]!.message.reasoning_content, "Should the dragon attack? Yes.");
      assert.equal(got.choices[0]!.message.content, "The dragon attacks!");
    }),
    { numRuns: 300 },
  );
});

function strip(c: any) {
  return JSON.parse(JSON.stringify(c, (k, v) => (k === "id" && typeof v === "string" && v.startsWith("call_") && v.length > 8 ? "<id>" : v)));
}
