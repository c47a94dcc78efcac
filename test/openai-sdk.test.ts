import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startSimulator } from "./exports.js";

test("the official openai SDK talks to the simulator unmodified: create, stream, tools, embeddings, models", async () => {
  const sim = await startSimulator({ script: [{ text: "Hail, traveller." }, { text: "streamed reply", reasoning: "hm" }, { toolCalls: [{ id: "call_1", name: "roll", arguments: '{"d":20}' }] }] });
  try {
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: "sk-test", maxRetries: 0 });
    const c = await client.chat.completions.create({ model: "sim-model", messages: [{ role: "user", content: "hi" }] });
    assert.equal(c.choices[0]!.message.content, "Hail, traveller.");
    const stream = client.chat.completions.stream({ model: "sim-model", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]!.message.content, "streamed reply");
    assert.ok(final.usage?.total_tokens);
    const tools = client.chat.completions.stream({ model: "sim-model", messages: [{ role: "user", content: "roll" }], tools: [{ type: "function", function: { name: "roll", parameters: { type: "object" } } }] });
    const t = await tools.finalChatCompletion();
    const call = t.choices[0]!.message.tool_calls![0]! as { function: { name: string; arguments: string } };
    assert.deepEqual([call.function.name, call.function.arguments], ["roll", '{"d":20}']);
    const e = await client.embeddings.create({ model: "sim-embed", input: ["a", "b"] });
    assert.equal(e.data.length, 2);
    assert.equal(e.data[0]!.embedding.length, 8);
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    assert.deepEqual(models, ["sim-model", "sim-embed"]);
  } finally {
    await sim.close();
  }
});
