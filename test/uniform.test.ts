import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BadRequestError, ChatCompletionAccumulator, createClient, defineProvider, LlmError, NotFoundError, RateLimitError, startSimulator,
} from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

// One behaviour for every stream, preset or not: what is unambiguous is normalised whichever preset
// (or none) is in use; presets only carry what would be wrong for other servers.

test("C5: a Groq stream read through a plain baseURL (a gateway) keeps its x_groq usage", async () => {
  await withSim({ dialect: "groq", script: [{ text: "relayed words", usage: { prompt_tokens: 7, completion_tokens: 2 } }, { text: "whole", usage: { prompt_tokens: 3, completion_tokens: 1 } }] }, {}, async (_sim, llm) => {
    assert.equal(llm.provider.id, "openai-compatible");
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.deepEqual(f.usage, { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
    assert.equal(f.choices[0]!.message.content, "relayed words");
  });
});

test("the exported ChatCompletionAccumulator takes raw chunks from any server: x_groq usage, reasoning, index-less tools, F3", () => {
  const acc = new ChatCompletionAccumulator({ provider: "relay" });
  const raw = [
    { id: "a", choices: [{ delta: { role: "assistant", reasoning: "think " } }] },
    { id: "a", choices: [{ delta: { tool_calls: [{ id: "t1", type: "function", function: { name: "roll", arguments: { d: 20 } } }] } }] },
    { id: "a", choices: [{ delta: {}, finish_reason: "stop" }], x_groq: { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } } },
  ];
  const chunks = raw.map((c) => acc.add(c));
  assert.equal(chunks[1]!.choices[0]!.delta.tool_calls![0]!.index, 0);
  const f = acc.finish();
  assert.equal(f.choices[0]!.message.reasoning_content, "think ");
  assert.deepEqual(f.choices[0]!.message.tool_calls![0]!.function, { name: "roll", arguments: '{"d":20}' });
  assert.equal(f.choices[0]!.finish_reason, "tool_calls");
  assert.equal(f.usage?.total_tokens, 3);
  assert.equal(acc.failure, undefined);
  const failing = new ChatCompletionAccumulator();
  failing.add({ choices: [{ delta: { content: "x" }, finish_reason: "error" }] });
  assert.ok(failing.failure, "an error finish is reported, not thrown");
});

test("a 404 relayed by a gateway, not about the model: quotes the server and what was requested, no baseURL advice", async () => {
  await withSim({ script: [{ kind: "error", status: 404, message: "upstream deployment 'eu-west' is gone" }] }, { model: "m" }, async (sim, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof NotFoundError);
    assert.match(e.message, new RegExp(`POST ${sim.baseURL.replace(/[./]/g, "\\$&")}/chat/completions was not found: the server said "upstream deployment 'eu-west' is gone"`));
    assert.doesNotMatch(e.message, /baseURL/);
  });
});

test("a 404 about the model still names the model", async () => {
  await withSim({ models: ["sim-model"], script: [] }, { model: "ghost" }, async (_sim, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.model, "ghost");
    assert.match(e.message, /ghost/);
  });
});

test("OLLAMA_HOST is read only when no baseURL is given", async () => {
  const sim = await startSimulator({ dialect: "ollama", script: [{ text: "from the given URL" }, { text: "from OLLAMA_HOST" }] });
  const saved = process.env.OLLAMA_HOST;
  try {
    // A value that would not even parse as a URL: reading it would throw a ConfigError.
    process.env.OLLAMA_HOST = "http://[not a host";
    const llm = createClient({ provider: "ollama", baseURL: sim.baseURL });
    assert.equal(await llm.complete("hi"), "from the given URL");
    process.env.OLLAMA_HOST = sim.origin.replace("http://", "");
    const fromEnv = createClient({ provider: "ollama" });
    assert.equal(fromEnv.baseURL, sim.baseURL);
    assert.equal(await fromEnv.complete("hi"), "from OLLAMA_HOST");
  } finally {
    if (saved === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = saved;
    await sim.close();
  }
});

test("a custom preset's hooks: normalizeChunk sees raw chunks (stream and whole), classifyError overrides the mapping", async () => {
  class QuotaNotice extends LlmError { override name = "QuotaNotice"; }
  const preset = defineProvider({
    id: "vendor", baseURL: "http://unused/v1", keyRequired: false,
    hooks: {
      // A vendor that puts the text in its own field.
      normalizeChunk(chunk) {
        for (const c of chunk.choices ?? []) {
          const d = c.delta ?? c.message;
          if (d && typeof d.vendor_text === "string") {
            d.content = (d.content ?? "") + d.vendor_text;
            delete d.vendor_text;
          }
        }
      },
      classifyError: (info) => (info.status === 429 && /daily/.test(info.message) ? new QuotaNotice(`vendor: ${info.message}`, { status: 429 }) : undefined),
    },
  });
  const frames = [{ id: "v", choices: [{ index: 0, delta: { vendor_text: "Hello " } }] }, { id: "v", choices: [{ index: 0, delta: { vendor_text: "there" }, finish_reason: "stop" }] }];
  await withSim({ script: [
    { kind: "raw", body: frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join("") },
    { kind: "raw", contentType: "application/json", body: JSON.stringify({ id: "v", choices: [{ index: 0, message: { role: "assistant", vendor_text: "Whole" }, finish_reason: "stop" }] }) },
    { kind: "error", status: 429, message: "daily cap reached" },
    { kind: "error", status: 429, message: "slow down" },
    { kind: "error", status: 400, message: "bad" },
  ] }, {}, async (sim, _llm) => {
    const llm = createClient({ provider: preset, baseURL: sim.baseURL, model: "m", maxRetries: 0 });
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "Hello there");
    assert.equal(await llm.complete("hi"), "Whole");
    assert.ok(await rejection(llm.complete("hi")) instanceof QuotaNotice);
    assert.ok(await rejection(llm.complete("hi")) instanceof RateLimitError, "undefined from the hook: the generic mapping");
    assert.ok(await rejection(llm.complete("hi")) instanceof BadRequestError);
  });
});
