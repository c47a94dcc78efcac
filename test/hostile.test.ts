import { test } from "node:test";
import assert from "node:assert/strict";
import {
  InvalidResponseError, LlmError, ResponseTooLargeError, StreamError, type SimRawReply,
} from "./exports.js";
import { collect, rejection, user, withSim } from "./helpers.js";

// Servers that are broken or hostile: sizes without bound, answers that are not streams, JSON nested
// beyond any stack, near-JSON literals. Every one must end in a completion or a typed LlmError that
// says what it is, never a raw exception, a hang, or a "success" with a hole in it.

const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
  ({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const frame = (c: object) => `data: ${JSON.stringify(c)}\n\n`;
const sse = (body: string, extra: Partial<SimRawReply> = {}): SimRawReply => ({ kind: "raw", body, ...extra });

test("a single SSE line of 24 MiB without a newline fails with ResponseTooLargeError (default 16 MiB limit), not a hang", { timeout: 60_000 }, async () => {
  const huge = "data: " + "x".repeat(24 * 1024 * 1024);
  await withSim({ script: [sse(frame(chunk({ content: "before " })) + huge, { split: 65_536 })] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(collect(s));
    assert.ok(e instanceof ResponseTooLargeError, String(e));
    assert.ok(e instanceof InvalidResponseError);
    assert.equal(e.what, "event");
    assert.equal(e.limit, 16 * 1024 * 1024);
    assert.match(e.message, /limits\.maxEventSize/);
    assert.equal(e.partial!.choices[0].message.content, "before ");
  });
});

test("a 4 MiB content delta arriving in 64 KiB reads is delivered whole (a line spanning many reads)", { timeout: 60_000 }, async () => {
  const big = "é".repeat(2 * 1024 * 1024);
  await withSim({ script: [sse(frame(chunk({ content: big })) + frame(chunk({}, "stop")) + "data: [DONE]\n\n", { split: 65_536 })] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, big);
  });
});

test("limits.maxEventSize caps one event even when it is made of many data: lines", async () => {
  const lines = Array.from({ length: 50 }, () => "data: " + "y".repeat(100)).join("\n") + "\n\n";
  await withSim({ script: [sse(lines)] }, { limits: { maxEventSize: 2000 } }, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(collect(s));
    assert.ok(e instanceof ResponseTooLargeError, String(e));
    assert.equal(e.limit, 2000);
  });
});

test("limits.maxBodySize caps a non-stream body (with and without content-length); limits.maxStreamSize a whole stream", async () => {
  const completion = JSON.stringify({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "z".repeat(5000) }, finish_reason: "stop" }] });
  const stream = Array.from({ length: 100 }, () => frame(chunk({ content: "word " }))).join("");
  await withSim({ script: [
    { kind: "raw", contentType: "application/json", body: completion },
    { kind: "raw", contentType: "application/json", body: completion, split: 512 },
    sse(stream, { split: 256 }),
  ] }, { limits: { maxBodySize: 4096, maxStreamSize: 4096 } }, async (_sim, llm) => {
    for (let i = 0; i < 2; i++) {
      const e = await rejection(llm.chat.completions.create({ messages: user("hi") }));
      assert.ok(e instanceof ResponseTooLargeError, String(e));
      assert.equal(e.what, "body");
      assert.match(e.message, /limits\.maxBodySize/);
    }
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof ResponseTooLargeError, String(e));
    assert.equal(e.what, "stream");
    assert.match(e.message, /limits\.maxStreamSize/);
    assert.match(e.partial!.choices[0].message.content ?? "", /^(word )+$/);
  });
});

test("limits are validated like every client option", async () => {
  const { createClient, ConfigError } = await import("./exports.js");
  assert.throws(() => createClient({ baseURL: "http://x/v1", limits: { maxBodySize: 0 } }), ConfigError);
  assert.throws(() => createClient({ baseURL: "http://x/v1", limits: { maxEventSize: "big" as never } }), /limits\.maxEventSize/);
});

test("a body that ends in the middle of an event is a StreamError with the partial output, not a success", async () => {
  const body = frame(chunk({ role: "assistant", content: "The dragon " })) + 'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"slee';
  await withSim({ script: [sse(body)] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof StreamError, String(e));
    assert.match(e.message, /ended in the middle of an event/);
    assert.equal(e.partial!.choices[0].message.content, "The dragon ");
    assert.match(e.body!, /"content":"slee/);
  });
});

test("S4 still holds: a complete last event without a trailing newline ends the stream normally", async () => {
  const body = frame(chunk({ content: "Hi" })) + `data: ${JSON.stringify(chunk({}, "stop"))}`;
  await withSim({ script: [sse(body)] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "Hi");
    assert.equal(f.choices[0]!.finish_reason, "stop");
  });
});

for (const [what, reply, pattern] of [
  ["an empty 200", sse(""), /delivered an empty body/],
  ["only keep-alive comments", sse(": ping\n\n: ping\n\n"), /delivered no event, only: : ping/],
  ["a text/plain page", { kind: "raw", contentType: "text/plain", body: "Service temporarily unavailable" }, /no event, only: Service temporarily unavailable/],
  ["a text/html page", { kind: "raw", contentType: "text/html; charset=utf-8", body: "<html><title>Login required</title><body>portal</body></html>" }, /asked for a stream, got a text\/html body \(status 200\): <html><title>Login required/],
  ["an empty JSON body", { kind: "raw", contentType: "application/json", body: "" }, /delivered an empty body/],
] as [string, SimRawReply, RegExp][]) {
  test(`a stream request answered with ${what} is an InvalidResponseError carrying what came`, async () => {
    await withSim({ script: [reply] }, {}, async (_sim, llm) => {
      const e = await rejection((async () => {
        const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
        return s.finalChatCompletion();
      })());
      assert.ok(e instanceof InvalidResponseError, String(e));
      assert.match(e.message, pattern);
      assert.equal(e.status, 200);
    });
  });
}

/** `{"a":{"a":…}}` nested `depth` levels, built as text (building it as an object would need the stack too). */
const nested = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

test("JSON nested 10,000 levels deep is a typed error saying what it is, on the non-stream path", async () => {
  const body = `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":${nested(10_000)}}}]},"finish_reason":"tool_calls"}]}`;
  await withSim({ script: [{ kind: "raw", contentType: "application/json", body }] }, {}, async (_sim, llm) => {
    const e = await rejection(llm.chat.completions.create({ messages: user("hi") }));
    assert.ok(e instanceof LlmError, `not typed: ${e}`);
    assert.ok(e instanceof InvalidResponseError, String(e));
    assert.match(e.message, /could not be normalised|not JSON/);
  });
});

test("JSON nested 10,000 levels deep in a stream is an InvalidResponseError with the partial output, not a 'connection broke' StreamError", async () => {
  const deep = `data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":${nested(10_000)}}}]}}]}\n\n`;
  await withSim({ script: [sse(frame(chunk({ content: "Rolling" })) + deep)] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof InvalidResponseError, String(e));
    assert.doesNotMatch(e.message, /connection broke/);
    assert.equal(e.partial!.choices[0].message.content, "Rolling");
  });
});

test("NaN, Infinity and -Infinity literals (Python servers) are read as null: no event dropped, no gap in the text", async () => {
  const nan = (content: string) => `data: {"id":"c1","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":{"content":[{"token":"x","logprob":-Infinity}]},"finish_reason":null}],"score":NaN}\n\n`;
  const body = nan("one ") + nan("two ") + `data: {"id":"c1","choices":[{"index":0,"delta":{"content":"three NaN Infinity"},"finish_reason":"stop"}],"x":Infinity}\n\ndata: [DONE]\n\n`;
  await withSim({ script: [sse(body)] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const f = await s.finalChatCompletion();
    assert.equal(f.choices[0]!.message.content, "one two three NaN Infinity", "literals inside strings are text");
    assert.deepEqual((f.choices[0]!.logprobs as { content: { logprob: unknown }[] }).content.map((c) => c.logprob), [null, null]);
    assert.equal(f.warnings, undefined);
  });
  const whole = '{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop","logprobs":{"content":[{"token":"fine","logprob":NaN}]}}]}';
  await withSim({ script: [{ kind: "raw", contentType: "application/json", body: whole }] }, {}, async (_sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi") });
    assert.equal(c.choices[0]!.message.content, "fine");
  });
});

test("an event that looks like JSON but is broken fails the stream (a gap otherwise); plain text lines are still skipped with a warning", async () => {
  const body = frame(chunk({ content: "a" })) + 'data: {"id":"c1","choices":[{"delta":{"content":"b"}}]]}\n\n' + frame(chunk({ content: "c" }, "stop"));
  await withSim({ script: [sse(body)] }, {}, async (_sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof InvalidResponseError, String(e));
    assert.match(e.message, /not valid JSON/);
    assert.equal(e.partial!.choices[0].message.content, "a");
  });
});
