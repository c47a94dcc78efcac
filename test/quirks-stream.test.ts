import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamError, TimeoutError, type SimRawReply } from "./exports.js";
import { collect, rejection, user, withSim } from "./helpers.js";

/** An SSE body from chunk objects (strings are sent as they are). */
function sse(...frames: (object | string)[]): SimRawReply {
  return { kind: "raw", body: frames.map((f) => (typeof f === "string" ? f : `data: ${JSON.stringify(f)}\n\n`)).join("") };
}
const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }], ...extra });

test("S1: OpenRouter keep-alive comments are ignored (openrouter dialect)", async () => {
  await withSim({ dialect: "openrouter", script: [{ text: "A dim tavern." }] }, { provider: "openrouter", apiKey: "sk-or-v1-test" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const final = await s.finalChatCompletion();
    assert.equal(final.choices[0]!.message.content, "A dim tavern.");
    assert.equal(final.choices[0]!.finish_reason, "stop");
  });
});

for (const le of ["\r\n", "\r"] as const) {
  test(`S2: ${JSON.stringify(le)} line endings over HTTP`, async () => {
    await withSim({ script: [{ text: "one two three", lineEnding: le }] }, {}, async (_sim, llm) => {
      const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
      assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "one two three");
    });
  });
}

test("S3: bytes split at random over real TCP (emoji, JSON, `data:` cut) give the same completion", async () => {
  const text = "Dragons 🐉 hoard gold; ünïcode survives every split.";
  const replies = Array.from({ length: 5 }, () => ({ text, reasoning: "🤔 hmm", split: "random" as const }));
  await withSim({ dialect: "deepseek", script: replies }, {}, async (_sim, llm) => {
    for (let i = 0; i < replies.length; i++) {
      const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
      const f = await s.finalChatCompletion();
      assert.equal(f.choices[0]!.message.content, text);
      assert.equal(f.choices[0]!.message.reasoning_content, "🤔 hmm");
    }
  });
});

test("S3: one byte per read", async () => {
  await withSim({ script: [{ text: "héllo wörld", split: 1 }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "héllo wörld");
  });
});

test("S4: no [DONE] sentinel: the end of the body ends the stream normally", async () => {
  await withSim({ script: [sse(chunk({ role: "assistant", content: "Hi" }), chunk({}, "stop"))] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "Hi");
    assert.equal(f.choices[0]!.finish_reason, "stop");
  });
});

test("S5: an error object after HTTP 200 raises StreamError with the partial output (openai dialect)", async () => {
  await withSim({ script: [{ text: "The goblin says", errorAfter: 3 }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(collect(s));
    assert.ok(e instanceof StreamError, String(e));
    assert.match(e.message, /upstream model failed/);
    assert.equal(e.partial!.choices[0].message.content, "The goblin ");
    await assert.rejects(s.finalChatCompletion(), StreamError);
  });
});

test("S5: OpenRouter's finish_reason \"error\" chunk raises StreamError, never a silent success", async () => {
  await withSim({ dialect: "openrouter", script: [{ text: "alpha beta gamma", errorAfter: 2 }] }, { provider: "openrouter", apiKey: "sk-or-v1-test" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof StreamError);
    assert.equal(e.code, "502");
    assert.equal(e.partial!.choices[0].message.content, "alpha ");
  });
});

test("S5: vLLM's `event: error` frame raises StreamError with the partial output", async () => {
  await withSim({ dialect: "vllm", script: [{ text: "one two three", errorAfter: 2 }] }, { provider: "vllm" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof StreamError);
    assert.equal(e.partial!.choices[0].message.content, "one ");
  });
});

test("S5: a connection that dies mid-stream raises StreamError carrying the partial completion", async () => {
  await withSim({ script: [{ text: "one two three four", dropAfter: 3 }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof StreamError, String(e));
    assert.equal(e.partial!.choices[0].message.content, "one two ");
  });
});

test("S6: a stalled stream fails with TimeoutError(kind idle) and the connection is closed", async () => {
  await withSim({ script: [{ text: "one two three", stallAfter: 2 }] }, { idleTimeout: 150 }, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const t0 = Date.now();
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof TimeoutError, String(e));
    assert.equal(e.kind, "idle");
    assert.equal(e.partial!.choices[0].message.content, "one ");
    assert.ok(Date.now() - t0 < 5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sim.requests[0]!.closedEarly, true);
  });
});

test("S6: the idle timeout is per silence, not total: a slow but steady stream succeeds", async () => {
  await withSim({ script: [{ text: "a b c d e f", chunkDelayMs: 40 }] }, { idleTimeout: 150 }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "a b c d e f");
  });
});

test("C1 C6: usage arrives in a final `choices: []` chunk because we asked for it (stream_options sent)", async () => {
  await withSim({ script: [{ text: "hi", usage: { prompt_tokens: 7, completion_tokens: 2 } }] }, {}, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const chunks = await collect(s);
    assert.deepEqual(sim.requests[0]!.body.stream_options, { include_usage: true });
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage?.total_tokens, 9);
    assert.equal((await s.finalChatCompletion()).usage?.prompt_tokens, 7);
  });
});

test("C2: `choices: null` and a missing `choices` key are read as [] with their usage", async () => {
  const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
  await withSim({ script: [sse(chunk({ content: "x" }, "stop"), { id: "c1", choices: null, usage }), sse(chunk({ content: "y" }, "stop"), { id: "c1", usage })] }, {}, async (_sim, llm) => {
    for (const want of ["x", "y"]) {
      const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
      const chunks = await collect(s);
      assert.deepEqual(chunks[1]!.choices, []);
      const f = await s.finalChatCompletion();
      assert.equal(f.choices[0]!.message.content, want);
      assert.deepEqual(f.usage, usage);
    }
  });
});

test("C3 C4: missing choice `index` defaults to 0; no role anywhere → assistant", async () => {
  await withSim({ script: [sse({ id: "c", choices: [{ delta: { content: "a" } }] }, { id: "c", choices: [{ delta: { content: "b" }, finish_reason: "stop" }] }, "data: [DONE]\n\n")] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const chunks = await collect(s);
    assert.equal(chunks[0]!.choices[0]!.index, 0);
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.role, "assistant");
    assert.equal(f.choices[0]!.message.content, "ab");
  });
});

test("C5: Groq's `x_groq.usage` becomes `usage` (groq preset, groq dialect)", async () => {
  await withSim({ dialect: "groq", script: [{ text: "hi", usage: { prompt_tokens: 4, completion_tokens: 1 } }] }, { provider: "groq", apiKey: "gsk_test_key_123456" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.deepEqual(f.usage, { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 });
  });
});

test("C7: a placeholder first chunk with empty id/model: metadata comes from the first chunk that has it", async () => {
  await withSim({ script: [sse({ id: "", model: "", choices: [{ index: 0, delta: { role: "assistant" } }] }, { id: "real-id", model: "real-model", created: 5, choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }] })] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const chunks = await collect(s);
    assert.equal(chunks[1]!.id, "real-id");
    const f = await s.finalChatCompletion();
    assert.equal(f.id, "real-id");
    assert.equal(f.model, "real-model");
  });
});

test("F1: a stream without any finish_reason gets one synthesised, with a warning; no throw", async () => {
  const seen: string[] = [];
  await withSim({ script: [{ text: "done", finishReason: null }, { toolCalls: [{ id: "t1", name: "f", arguments: "{}" }], finishReason: null }] }, { onWarning: (w) => seen.push(w.type) }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.finish_reason, "stop");
    assert.equal(f.warnings?.[0]?.type, "finish-reason-synthesised");
    const s2 = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal((await s2.finalChatCompletion()).choices[0]!.finish_reason, "tool_calls");
    assert.deepEqual(seen, ["finish-reason-synthesised", "finish-reason-synthesised"]);
  });
});

test("F2: `finish_reason: \"\"` on every chunk is null until the real one (legacy ollama dialect)", async () => {
  await withSim({ dialect: "ollama", legacy: true, script: [{ text: "a b" }] }, { provider: "ollama" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const chunks = await collect(s);
    // The dialect sent "" on every chunk but the last choice chunk; we report null there.
    assert.equal(chunks.filter((c) => c.choices.some((ch) => ch.finish_reason !== null)).length, 1);
    assert.ok(chunks.length > 3);
    assert.equal((await s.finalChatCompletion()).choices[0]!.finish_reason, "stop");
  });
});

test("F3: `stop` after tool calls is reported as `tool_calls`, raw value kept (legacy ollama dialect)", async () => {
  await withSim({ dialect: "ollama", legacy: true, script: [{ toolCalls: [{ name: "roll", arguments: { sides: 20 } }] }, { toolCalls: [{ name: "roll", arguments: "{}" }] }] }, { provider: "ollama" }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("roll"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.finish_reason, "tool_calls");
    assert.equal(f.choices[0]!.raw_finish_reason, "stop");
    const c = await llm.chat.completions.create({ messages: user("roll") });
    assert.equal(c.choices[0]!.finish_reason, "tool_calls");
  });
});

for (const [raw, want] of [["end_turn", "stop"], ["eos", "stop"], ["max_tokens", "length"], ["SAFETY", "content_filter"], ["something_new", "stop"]] as const) {
  test(`F4: vendor finish_reason ${raw} → ${want}, raw kept`, async () => {
    await withSim({ script: [{ text: "x", finishReason: raw }] }, {}, async (_sim, llm) => {
      const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
      const f = await s.finalChatCompletion();
      assert.equal(f.choices[0]!.finish_reason, want);
      assert.equal(f.choices[0]!.raw_finish_reason, raw);
    });
  });
}

test("F5: the last content delta and the finish reason in one chunk: content kept, then finished", async () => {
  await withSim({ script: [sse(chunk({ content: "Hello " }), chunk({ content: "world" }, "length"))] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "Hello world");
    assert.equal(f.choices[0]!.finish_reason, "length");
  });
});

test("several choices (n=2) accumulate separately", async () => {
  await withSim({ script: [{ text: "same words", choices: 2 }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true, n: 2 });
    const f = await s.finalChatCompletion();
    assert.deepEqual(f.choices.map((c) => [c.index, c.message.content]), [[0, "same words"], [1, "same words"]]);
  });
});

test("a non-JSON stream line is skipped with a warning carrying it, not silently and not fatally", async () => {
  await withSim({ script: [sse(chunk({ content: "a" }), "data: OPENROUTER PROCESSING\n\n", chunk({ content: "b" }, "stop"))] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "ab");
    assert.equal(f.warnings?.[0]?.type, "unparseable-event");
    assert.match(f.warnings![0]!.message, /OPENROUTER PROCESSING/);
  });
});

test("textStream yields choice 0's text", async () => {
  await withSim({ script: [{ text: "three little words" }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    let text = "";
    for await (const t of s.textStream) text += t;
    assert.equal(text, "three little words");
  });
});

test("a server that ignores stream:true and answers one JSON completion still streams it as one chunk", async () => {
  const body = JSON.stringify({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "whole answer", reasoning: "why" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }, null, 2);
  await withSim({ script: [{ kind: "raw", contentType: "application/json", body, split: 7 }, { kind: "raw", contentType: "application/json", body: JSON.stringify({ error: { message: "upstream down" } }) }] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const chunks = await collect(s);
    assert.equal(chunks[0]!.choices[0]!.delta.content, "whole answer");
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "whole answer");
    assert.equal(f.choices[0]!.message.reasoning_content, "why");
    assert.equal(f.usage?.total_tokens, 3);
    const s2 = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s2.finalChatCompletion());
    assert.ok(e instanceof StreamError);
    assert.match(e.message, /upstream down/);
  });
});
