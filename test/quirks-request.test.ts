import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient, type LlmWarning } from "./exports.js";
import { user, withSim } from "./helpers.js";

test("Q1 (mistral dialect): stream_options is not sent to Mistral; usage still arrives in the last chunk", async () => {
  await withSim({ dialect: "mistral", script: [{ text: "bonjour", usage: { prompt_tokens: 3, completion_tokens: 1 } }] }, { provider: "mistral", apiKey: "mistral-key" }, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(sim.requests[0]!.body.stream_options, undefined);
    assert.equal(f.usage?.total_tokens, 4);
  });
});

test("Q1: a server that rejects stream_options (422 naming it): retried once without it, and remembered", async () => {
  const warnings: LlmWarning[] = [];
  await withSim({ rejectParams: ["stream_options"], script: [{ text: "a" }, { text: "b" }] }, { onWarning: (w) => warnings.push(w) }, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "a");
    assert.equal(sim.requests.length, 2);
    assert.deepEqual(sim.requests[0]!.body.stream_options, { include_usage: true });
    assert.equal(sim.requests[1]!.body.stream_options, undefined);
    assert.equal(s.warnings[0]!.param, "stream_options");
    const s2 = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    await s2.finalChatCompletion();
    assert.equal(sim.requests.length, 3, "remembered: no second rejection");
    assert.equal(sim.requests[2]!.body.stream_options, undefined);
    assert.equal(warnings.filter((w) => w.type === "param-dropped").length, 1);
  });
});

test("Q2 (openai dialect): o-series rejects max_tokens → retried as max_completion_tokens and remembered", async () => {
  await withSim({}, { model: "o3-mini" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi"), max_tokens: 50 });
    assert.equal(c.choices[0]!.message.content, "You said: hi");
    assert.deepEqual([sim.requests[0]!.body.max_tokens, sim.requests[1]!.body.max_completion_tokens], [50, 50]);
    assert.equal(sim.requests[1]!.body.max_tokens, undefined);
    assert.equal(c.warnings?.[0]?.type, "param-renamed");
    await llm.chat.completions.create({ messages: user("hi"), max_tokens: 60 });
    assert.equal(sim.requests.length, 3);
    assert.equal(sim.requests[2]!.body.max_completion_tokens, 60);
  });
});

test("Q2: the openai preset sends max_completion_tokens from the start; a strict server rejecting it gets max_tokens", async () => {
  await withSim({}, { provider: "openai", apiKey: "sk-test-aaaaaaaa" }, async (sim, llm) => {
    await llm.chat.completions.create({ messages: user("hi"), max_tokens: 5 });
    assert.deepEqual([sim.requests[0]!.body.max_tokens, sim.requests[0]!.body.max_completion_tokens], [undefined, 5]);
  });
  await withSim({ rejectParams: ["max_completion_tokens"] }, { provider: "openai", apiKey: "sk-test-aaaaaaaa" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi"), max_completion_tokens: 7 });
    assert.equal(sim.requests[1]!.body.max_tokens, 7);
    assert.equal(c.warnings?.[0]?.param, "max_completion_tokens");
  });
});

test("Q3 (groq): store, logprobs, logit_bias and n>1 are dropped with readable warnings", async () => {
  await withSim({ dialect: "groq" }, { provider: "groq", apiKey: "gsk_0123456789" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi"), store: true, logprobs: true, logit_bias: { "1": 1 }, n: 2 });
    assert.equal(c.choices[0]!.message.content, "You said: hi");
    const body = sim.requests[0]!.body;
    for (const p of ["store", "logprobs", "logit_bias", "n"]) assert.equal(body[p], undefined, p);
    assert.deepEqual(c.warnings!.map((w) => w.param).sort(), ["logit_bias", "logprobs", "n", "store"]);
    assert.equal(sim.requests.length, 1);
  });
});

test("Q3 (deepseek): deepseek-reasoner drops temperature with a warning; deepseek-chat keeps it", async () => {
  await withSim({ dialect: "deepseek" }, { provider: "deepseek", apiKey: "sk-ds-000000" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi"), model: "deepseek-reasoner", temperature: 0.2 });
    assert.equal(sim.requests[0]!.body.temperature, undefined);
    assert.equal(c.warnings?.[0]?.param, "temperature");
    await llm.chat.completions.create({ messages: user("hi"), model: "deepseek-chat", temperature: 0.2 });
    assert.equal(sim.requests[1]!.body.temperature, 0.2);
  });
});

test("Q4 (lmstudio): json_object is sent as a permissive json_schema; any server rejecting it learns the same", async () => {
  await withSim({ dialect: "lmstudio", script: [{ text: '{"ok":true}' }] }, { provider: "lmstudio" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("json"), response_format: { type: "json_object" } });
    assert.equal(c.choices[0]!.message.content, '{"ok":true}');
    assert.equal(sim.requests[0]!.body.response_format.type, "json_schema");
    assert.equal(c.warnings?.[0]?.type, "param-mapped");
  });
  await withSim({ dialect: "lmstudio" }, {}, async (sim, llm) => {
    await llm.chat.completions.create({ messages: user("json"), response_format: { type: "json_object" } });
    assert.deepEqual(sim.requests.map((r) => r.body.response_format.type), ["json_object", "json_schema"]);
  });
});

test("Q5: the developer role becomes system except for OpenAI", async () => {
  const messages = [{ role: "developer" as const, content: "Be terse." }, ...user("hi")];
  await withSim({ dialect: "mistral" }, { provider: "mistral", apiKey: "mistral-key" }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages });
    assert.equal(sim.requests[0]!.body.messages[0].role, "system");
    assert.equal(c.warnings?.[0]?.type, "role-mapped");
    assert.equal(messages[0]!.role, "developer", "the caller's messages are not mutated");
  });
  await withSim({}, { provider: "openai", apiKey: "sk-test-000000" }, async (sim, llm) => {
    await llm.chat.completions.create({ messages });
    assert.equal(sim.requests[0]!.body.messages[0].role, "developer");
  });
});

test("Q6 (legacy ollama): an assistant tool-call turn with content null is sent with \"\"", async () => {
  const messages = [
    ...user("roll"),
    { role: "assistant" as const, content: null, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "roll", arguments: "{}" } }] },
    { role: "tool" as const, tool_call_id: "c1", content: "4" },
  ];
  await withSim({ dialect: "ollama", legacy: true }, { provider: "ollama" }, async (sim, llm) => {
    await llm.chat.completions.create({ messages });
    assert.equal(sim.requests[0]!.body.messages[1].content, "");
  });
  // Without the preset the server's rejection surfaces as a typed error.
  await withSim({ dialect: "ollama", legacy: true }, {}, async (_sim, llm) => {
    await assert.rejects(llm.chat.completions.create({ messages }), /invalid message content type/);
  });
  // A preset with the null policy sends null where the caller sent "".
  await withSim({}, { provider: { id: "bedrock-gw", baseURL: "http://x", keyRequired: false, capabilities: { toolCallTurnContent: "null" } } }, async (sim, llm) => {
    await llm.chat.completions.create({ messages: [messages[0]!, { ...messages[1]!, content: "" }, messages[2]!] });
    assert.equal(sim.requests[0]!.body.messages[1].content, null);
  });
});

test("Q7: keyless local presets send no Authorization header; a key, when given, is sent", async () => {
  await withSim({ dialect: "ollama" }, { provider: "ollama" }, async (sim, llm) => {
    await llm.complete("hi");
    assert.equal(sim.requests[0]!.headers.authorization, undefined);
  });
  await withSim({ apiKey: "local-secret" }, { provider: "vllm", apiKey: "local-secret" }, async (sim, llm) => {
    await llm.complete("hi");
    assert.equal(sim.requests[0]!.headers.authorization, "Bearer local-secret");
  });
});

test("Q8: embeddings ask for floats; a base64 answer is decoded to the same numbers", async () => {
  await withSim({ embeddingDimensions: 4 }, {}, async (sim, llm) => {
    const a = await llm.embeddings.create({ input: ["a dragon", "a tavern"], model: "sim-embed" });
    assert.equal(sim.requests[0]!.body.encoding_format, "float");
    const b = await llm.embeddings.create({ input: ["a dragon", "a tavern"], model: "sim-embed", encoding_format: "base64" });
    assert.equal(a.data.length, 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(b.data[i]!.embedding.length, 4);
      b.data[i]!.embedding.forEach((x, j) => assert.ok(Math.abs(x - a.data[i]!.embedding[j]!) < 1e-6));
    }
    assert.notDeepEqual(a.data[0]!.embedding, a.data[1]!.embedding);
  });
});

test("Q9: Ollama's context limit is documented on the preset (num_ctx cannot be set through /v1)", async () => {
  const { presets } = await import("./exports.js");
  assert.ok(presets.ollama!.quirks!.includes("Q9"));
  // Ollama-specific params pass through untouched for servers that accept them.
  await withSim({ dialect: "ollama" }, { provider: "ollama" }, async (sim, llm) => {
    await llm.chat.completions.create({ messages: user("hi"), options: { num_ctx: 8192 } });
    assert.deepEqual(sim.requests[0]!.body.options, { num_ctx: 8192 });
  });
});

test("chat never goes through Ollama's native /api/chat: /v1/chat/completions and /v1/embeddings", async () => {
  await withSim({ dialect: "ollama" }, { provider: "ollama", embeddingModel: "sim-embed" }, async (sim, llm) => {
    await llm.complete("hi");
    await llm.embeddings.create({ input: "x" });
    await llm.models.list();
    assert.deepEqual(sim.requests.map((r) => r.path), ["/v1/chat/completions", "/v1/embeddings", "/v1/models"]);
  });
});

test("OLLAMA_HOST sets the ollama base URL (host:port, with or without scheme)", () => {
  const old = process.env.OLLAMA_HOST;
  try {
    process.env.OLLAMA_HOST = "0.0.0.0:9999";
    assert.equal(createClient({ provider: "ollama" }).baseURL, "http://127.0.0.1:9999/v1");
    process.env.OLLAMA_HOST = "https://gpu.example:443";
    assert.equal(createClient({ provider: "ollama" }).baseURL, "https://gpu.example/v1");
    process.env.OLLAMA_HOST = "gpu-box";
    assert.equal(createClient({ provider: "ollama" }).baseURL, "http://gpu-box:11434/v1");
  } finally {
    if (old === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = old;
  }
});
