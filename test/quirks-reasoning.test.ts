import { test } from "node:test";
import assert from "node:assert/strict";
import { collect, user, withSim } from "./helpers.js";

test("R1 (deepseek dialect): reasoning_content concatenated across deltas, and in non-stream messages", async () => {
  await withSim({ dialect: "deepseek", script: [{ reasoning: "First, think. Then answer.", text: "42" }, { reasoning: "Hmm.", text: "x" }] }, { provider: "deepseek", apiKey: "sk-deepseek-test" }, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("q"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.reasoning_content, "First, think. Then answer.");
    assert.equal(f.choices[0]!.message.content, "42");
    const c = await llm.chat.completions.create({ messages: user("q") });
    assert.equal(c.choices[0]!.message.reasoning_content, "Hmm.");
  });
});

for (const dialect of ["ollama", "groq", "openrouter"] as const) {
  test(`R2 (${dialect} dialect): \`reasoning\` is normalised to reasoning_content`, async () => {
    await withSim({ dialect, script: [{ reasoning: "Consider the dragon.", text: "Run." }, { reasoning: "Hmm.", text: "x" }] }, {}, async (_s, llm) => {
      const s = await llm.chat.completions.create({ messages: user("q"), stream: true });
      const chunks = await collect(s);
      assert.ok(chunks.every((c) => c.choices.every((ch) => !("reasoning" in ch.delta))));
      const f = await s.finalChatCompletion();
      assert.equal(f.choices[0]!.message.reasoning_content, "Consider the dragon.");
      assert.equal("reasoning" in f.choices[0]!.message, false);
      const c = await llm.chat.completions.create({ messages: user("q") });
      assert.equal(c.choices[0]!.message.reasoning_content, "Hmm.");
    });
  });
}

test("R3: inline <think> split out where the preset says so (ollama), kept where it does not (openai)", async () => {
  const reply = { reasoning: "Is it a trap? Probably.", thinkInline: true, text: "It is a trap." };
  await withSim({ dialect: "ollama", script: [reply, reply] }, { provider: "ollama" }, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("q"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.reasoning_content, "Is it a trap? Probably.");
    assert.equal(f.choices[0]!.message.content, "It is a trap.");
    const c = await llm.chat.completions.create({ messages: user("q") });
    assert.equal(c.choices[0]!.message.reasoning_content, "Is it a trap? Probably.");
    assert.equal(c.choices[0]!.message.content, "It is a trap.");
  });
  await withSim({ script: [reply] }, { provider: "openai", apiKey: "sk-test-000000" }, async (_s, llm) => {
    const c = await llm.chat.completions.create({ messages: user("q") });
    assert.match(c.choices[0]!.message.content!, /^<think>/);
  });
  await withSim({ script: [reply] }, { thinkTags: true }, async (_s, llm) => {
    const c = await llm.chat.completions.create({ messages: user("q") });
    assert.equal(c.choices[0]!.message.content, "It is a trap.");
  });
});

test("R4 (deepseek dialect): reasoning_content is round-tripped for DeepSeek, stripped for others", async () => {
  const history = [
    { role: "user" as const, content: "roll" },
    { role: "assistant" as const, content: null, reasoning_content: "I should roll.", tool_calls: [{ id: "c1", type: "function" as const, function: { name: "roll", arguments: "{}" } }] },
    { role: "tool" as const, tool_call_id: "c1", content: "17" },
  ];
  await withSim({ dialect: "deepseek", script: [{ text: "17!" }] }, { provider: "deepseek", apiKey: "sk-deepseek-test", model: "deepseek-reasoner" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: history });
    assert.equal(c.choices[0]!.message.content, "17!");
    assert.equal(sim.requests[0]!.body.messages[1].reasoning_content, "I should roll.");
  });
  await withSim({}, {}, async (sim, llm) => {
    await llm.chat.completions.create({ messages: history });
    assert.equal("reasoning_content" in sim.requests[0]!.body.messages[1], false);
  });
});

test("R5: reasoning-only chunks are never dropped", async () => {
  await withSim({ dialect: "vllm", script: [{ reasoning: "a b c d", text: "" }] }, { provider: "vllm" }, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("q"), stream: true });
    const chunks = await collect(s);
    assert.equal(chunks.filter((c) => c.choices[0]?.delta.reasoning_content).length, 4);
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.reasoning_content, "a b c d");
  });
});
