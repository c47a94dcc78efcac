import { test } from "node:test";
import assert from "node:assert/strict";
import { dialects, startSimulator, type DialectName } from "./exports.js";
import { benchPeer } from "./peers.js";

// The AI SDK is one of the bench's peers (bench/package.json), loaded from there.
const { createOpenAICompatible } = await benchPeer("@ai-sdk/openai-compatible");
const { jsonSchema, stepCountIs, streamText, tool } = await benchPeer("ai");

// The AI SDK sends `content: null` on an assistant tool-call turn (vercel/ai#12390), which today's
// Ollama accepts and the 0.3 releases refused (Q6): a full tool round trip through every dialect as
// today's server speaks it.
for (const dialect of Object.keys(dialects) as DialectName[]) {
  test(`AI SDK: a streamed tool call, its execution and the second turn through the ${dialect} dialect`, async () => {
    // vLLM as agents run it (--enable-auto-tool-choice); DeepSeek's chat model (the reasoner wants R4).
    const sim = await startSimulator({ dialect, enableAutoToolChoice: true, script: [{ toolCalls: [{ name: "roll", arguments: '{"d":20}' }] }, { text: "You rolled a 17." }] });
    try {
      const model = createOpenAICompatible({ name: "sim", baseURL: sim.baseURL })(dialect === "deepseek" ? "deepseek-chat" : "sim-model");
      const rolled: unknown[] = [];
      const r = streamText({
        model,
        prompt: "Roll a d20.",
        maxRetries: 0,
        stopWhen: stepCountIs(2),
        tools: { roll: tool({ inputSchema: jsonSchema({ type: "object", properties: { d: { type: "integer" } }, required: ["d"] }), execute: async (input: unknown) => (rolled.push(input), 17) }) },
      });
      assert.equal(await r.text, "You rolled a 17.");
      assert.deepEqual(rolled, [{ d: 20 }]);
      const [, assistant, result] = sim.requests[1]!.body.messages;
      assert.equal(assistant.tool_calls[0].function.name, "roll");
      assert.equal(result.tool_call_id, assistant.tool_calls[0].id);
    } finally {
      await sim.close();
    }
  });
}

