import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { startSimulator, type DialectName, type SimulatorOptions } from "./exports.js";

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

// Each dialect as today's server speaks it, through the official SDK: a streamed tool call, then the
// second turn with the assistant message exactly as the SDK returned it and the tool's result.
const tools = [{ type: "function" as const, function: { name: "roll", description: "Roll dice", parameters: { type: "object", properties: { d: { type: "integer" } }, required: ["d"] } } }];
const everyDialect: { dialect: DialectName; model?: string; sim?: SimulatorOptions }[] = [
  { dialect: "openai" },
  { dialect: "groq" },
  { dialect: "ollama" },
  // T12: vLLM refuses `tool_choice: "auto"` unless started with --enable-auto-tool-choice, which is how
  // agents run it; the option models that flag.
  { dialect: "vllm", sim: { enableAutoToolChoice: true } },
  { dialect: "llamacpp" },
  { dialect: "lmstudio" },
  { dialect: "openrouter" },
  // R4: deepseek-reasoner wants its reasoning back with tool calls, which the SDK does not keep; a
  // plain SDK user talks to deepseek-chat.
  { dialect: "deepseek", model: "deepseek-chat" },
  // T10: Mistral's own tool-call ids are 9 alphanumerics, and the SDK sends them back unchanged.
  { dialect: "mistral" },
];
for (const { dialect, model = "sim-model", sim: extra } of everyDialect) {
  test(`the openai SDK: streamed tool call and its second turn through the ${dialect} dialect`, async () => {
    const sim = await startSimulator({ dialect, ...extra, script: [{ toolCalls: [{ name: "roll", arguments: '{"d":20}' }] }, { text: "You rolled a 17." }] });
    try {
      const client = new OpenAI({ baseURL: sim.baseURL, apiKey: "sk-test", maxRetries: 0 });
      const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "Roll a d20." }];
      const first = await client.chat.completions.stream({ model, messages, tools }).finalChatCompletion();
      const msg = first.choices[0]!.message;
      assert.equal(first.choices[0]!.finish_reason, "tool_calls");
      assert.equal(msg.tool_calls?.length, 1);
      const call = msg.tool_calls![0]! as { id: string; function: { name: string; arguments: string } };
      assert.deepEqual([call.function.name, JSON.parse(call.function.arguments)], ["roll", { d: 20 }]);
      assert.ok(call.id);
      messages.push(msg, { role: "tool", tool_call_id: call.id, content: "17" });
      const second = await client.chat.completions.stream({ model, messages, tools }).finalChatCompletion();
      assert.equal(second.choices[0]!.message.content, "You rolled a 17.");
      assert.equal(second.choices[0]!.finish_reason, "stop");
      // What went on the wire the second time is what the SDK made of the first answer.
      const sent = sim.requests[1]!.body.messages;
      assert.equal(sent[1].tool_calls[0].id, call.id);
      assert.equal(sent[2].tool_call_id, call.id);
    } finally {
      await sim.close();
    }
  });
}
