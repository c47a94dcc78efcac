import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, RateLimitError, ServerError, type SimReply } from "./exports.js";
import { parseDuration, retryHintFromMessage } from "../src/http/durations.js";
import { serverRetryHint } from "../src/http/retry.js";
import { rejection, withSim } from "./helpers.js";

const err = (status: number, headers: Record<string, string> = {}, message = "busy"): SimReply => ({ kind: "error", status, message, headers });

test("duration parsing: 2m59.56s, 6ms, 1h2m, 1.5, invalid", () => {
  assert.equal(parseDuration("2m59.56s"), 179560);
  assert.equal(parseDuration("6ms"), 6);
  assert.equal(parseDuration("1h2m"), 3720000);
  assert.equal(parseDuration("1.5"), 1500);
  assert.equal(parseDuration("soon"), undefined);
  assert.equal(retryHintFromMessage("Rate limit reached. Please try again in 970ms. Visit …"), 970);
  assert.equal(retryHintFromMessage("Please try again in 2.5s."), 2500);
  assert.equal(retryHintFromMessage("Please try again in 1m3.5s."), 63500);
});

test("hint precedence: retry-after-ms, retry-after seconds, retry-after HTTP date, x-ratelimit-reset, message", () => {
  assert.equal(serverRetryHint(new Headers({ "retry-after-ms": "120", "retry-after": "9" })), 120);
  assert.equal(serverRetryHint(new Headers({ "retry-after": "3" })), 3000);
  const date = new Date(Date.now() + 5000).toUTCString();
  const d = serverRetryHint(new Headers({ "retry-after": date }))!;
  assert.ok(d > 3000 && d <= 5000, String(d));
  assert.equal(serverRetryHint(new Headers({ "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "7.66s", "x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-remaining-requests": "10" })), 7660);
  assert.equal(serverRetryHint(new Headers(), "try again in 970ms"), 970);
  assert.equal(serverRetryHint(new Headers()), undefined);
});

// Hints of ~900 ms: far from backoff's first wait (375–500 ms), so a test passes only if the hint was used.
for (const [name, headers, message] of [
  ["retry-after-ms", { "retry-after-ms": "900" }, "busy"],
  ["retry-after seconds", { "retry-after": "0.9" }, "busy"],
  ["x-ratelimit-reset-requests", { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "900ms" }, "busy"],
  ["Groq's message 'try again in 900ms'", {}, "Rate limit reached for model. Please try again in 900ms."],
] as const) {
  test(`E5: 429 with ${name} is retried after the hinted wait`, async () => {
    await withSim({ script: [err(429, headers, message), { text: "ok" }] }, { maxRetries: 2, rateLimit: { respectServerHeaders: false } }, async (sim, llm) => {
      const t0 = Date.now();
      assert.equal(await llm.complete("hi"), "ok");
      const took = Date.now() - t0;
      assert.equal(sim.requests.length, 2);
      assert.ok(took >= 850 && took < 5000, `waited ${took} ms, wanted the hint's 900 ms`);
    });
  });
}

test("retryable statuses 408, 409, 429, 500, 502, 503, 504 are retried; the error after the last try carries the status", async () => {
  for (const status of [408, 409, 500, 502, 503, 504]) {
    await withSim({ script: [err(status, { "retry-after-ms": "1" }), { text: "ok" }] }, { maxRetries: 1 }, async (sim, llm) => {
      assert.equal(await llm.complete("hi"), "ok", String(status));
      assert.equal(sim.requests.length, 2);
    });
  }
  await withSim({ script: [err(503, { "retry-after-ms": "1" }), err(503, { "retry-after-ms": "1" }), err(503, { "retry-after-ms": "1" })] }, { maxRetries: 2 }, async (sim, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof ServerError);
    assert.equal(sim.requests.length, 3);
  });
});

test("400, 401, 403, 404, 422 are not retried", async () => {
  for (const status of [400, 401, 403, 404, 422]) {
    await withSim({ script: [err(status)] }, { maxRetries: 3 }, async (sim, llm) => {
      await rejection(llm.complete("hi"));
      assert.equal(sim.requests.length, 1, String(status));
    });
  }
});

test("without a hint: jittered exponential backoff (~0.5 s for the first retry)", async () => {
  await withSim({ script: [err(500), { text: "ok" }] }, { maxRetries: 1 }, async (_s, llm) => {
    const t0 = Date.now();
    await llm.complete("hi");
    const took = Date.now() - t0;
    assert.ok(took >= 370 && took < 1500, `took ${took}`);
  });
});

test("a hint longer than 60 s is not waited out: RateLimitError with retryAfterMs at once", async () => {
  await withSim({ script: [err(429, { "retry-after": "3600" })] }, { maxRetries: 2 }, async (sim, llm) => {
    const t0 = Date.now();
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfterMs, 3_600_000);
    assert.equal(sim.requests.length, 1);
    assert.ok(Date.now() - t0 < 1000);
  });
});

test("x-should-retry: false is honoured", async () => {
  await withSim({ script: [err(503, { "x-should-retry": "false" })] }, { maxRetries: 2 }, async (sim, llm) => {
    await rejection(llm.complete("hi"));
    assert.equal(sim.requests.length, 1);
  });
});

test("connection refused is retried, then ConnectionError says what to check", async () => {
  const { createClient, ConnectionError } = await import("./exports.js");
  const { createServer } = await import("node:net");
  const srv = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => srv.once("listening", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const llm = createClient({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m", maxRetries: 1 });
  const e = await rejection(llm.complete("hi"));
  assert.ok(e instanceof ConnectionError, String(e));
  assert.match(e.message, /ECONNREFUSED|refused/);
});

test("the retry wait is abortable", async () => {
  await withSim({ script: [err(503, { "retry-after": "30" }), { text: "never" }] }, { maxRetries: 2 }, async (sim, llm) => {
    const ac = new AbortController();
    // Abort once the first answer (503, retry in 30 s) has been served: the client is then waiting.
    const poll = setInterval(() => sim.requests.length === 1 && setTimeout(() => ac.abort(), 50), 5);
    const t0 = Date.now();
    const e = await rejection(llm.complete("hi", { signal: ac.signal }));
    clearInterval(poll);
    assert.ok(e instanceof AbortError);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(sim.requests.length, 1);
  });
});

test("a stream is never retried once its body has started", async () => {
  await withSim({ script: [{ text: "a b c", dropAfter: 2 }, { text: "second" }] }, { maxRetries: 3 }, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: [{ role: "user", content: "x" }], stream: true });
    await rejection(s.finalChatCompletion());
    assert.equal(sim.requests.length, 1);
  });
});

test("a stream's HTTP error before the body is retried like any request", async () => {
  await withSim({ script: [err(503, { "retry-after-ms": "1" }), { text: "streamed ok" }] }, { maxRetries: 1 }, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: [{ role: "user", content: "x" }], stream: true });
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "streamed ok");
    assert.equal(sim.requests.length, 2);
  });
});

test("per-request maxRetries overrides the client's", async () => {
  await withSim({ script: [err(503, { "retry-after-ms": "1" }), { text: "ok" }] }, { maxRetries: 3 }, async (sim, llm) => {
    await rejection(llm.complete("hi", { maxRetries: 0 }));
    assert.equal(sim.requests.length, 1);
  });
});
