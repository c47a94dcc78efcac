import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError } from "./exports.js";
import { RateLimiter } from "../src/http/rate-limiter.js";
import { rejection, withSim } from "./helpers.js";

test("requestsPerMinute: the bucket delays, never fails, and its wait is abortable", async () => {
  {
    const limiter = new RateLimiter({ requestsPerMinute: 2 });
    const t0 = Date.now();
    await limiter.acquire(1);
    await limiter.acquire(1);
    assert.ok(Date.now() - t0 < 50, "the first two pass at once");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    // The third would wait ~30 s: the wait is abortable.
    await assert.rejects(limiter.acquire(1, ac.signal));
    assert.ok(Date.now() - t0 < 1000);
  }
});

test("requestsPerMinute through the client: the third request waits for the refill", async () => {
  await withSim({}, { rateLimit: { requestsPerMinute: 300 } }, async (sim, llm) => {
    // Spend the bucket (capacity 300), then one more must wait ~200 ms for a token.
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 301 }, () => llm.complete("x")));
    const took = Date.now() - t0;
    assert.equal(sim.requests.length, 301);
    assert.ok(took >= 150, `took ${took} ms; the 301st should wait ~200 ms`);
  });
});

test("tokensPerMinute: a request larger than the budget waits for the refill instead of failing", async () => {
  const limiter = new RateLimiter({ tokensPerMinute: 6000 });
  const t0 = Date.now();
  await limiter.acquire(6000);
  await limiter.acquire(100); // needs 100 tokens = 1 s of refill
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 2500, `took ${took}`);
});

test("server headers: x-ratelimit-remaining-requests 0 holds the next request until the reset", async () => {
  await withSim({ script: [{ text: "a", headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "300ms" } }, { text: "b" }] }, {}, async (_s, llm) => {
    await llm.complete("1");
    const t0 = Date.now();
    assert.equal(await llm.complete("2"), "b");
    const took = Date.now() - t0;
    assert.ok(took >= 250, `second request waited ${took} ms`);
  });
});

test("server headers can be ignored; the gate wait is abortable", async () => {
  await withSim({ script: [{ text: "a", headers: { "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20s" } }] }, {}, async (_s, llm) => {
    await llm.complete("1");
    const e = await rejection(llm.complete("2", { signal: AbortSignal.timeout(100) }));
    assert.ok(e instanceof AbortError);
  });
  await withSim({ script: [{ text: "a", headers: { "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20s" } }] }, { rateLimit: { respectServerHeaders: false } }, async (_s, llm) => {
    await llm.complete("1");
    const t0 = Date.now();
    await llm.complete("2");
    assert.ok(Date.now() - t0 < 1000);
  });
});
