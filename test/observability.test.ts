import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AbortError, ConfigError, ConnectionError, createClient, NotFoundError, ServerError,
  type Logger, type RetryInfo,
} from "./exports.js";
import { closedPort } from "./cli-helpers.js";
import { rejection, user, withSim } from "./helpers.js";

// What a person debugging a call can see: retries as they happen, a log, and final errors that say
// what was requested, how often, and for which model.

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (l: string) => (m: string, d?: Record<string, unknown>) => void lines.push(`${l} ${m} ${d ? JSON.stringify(d) : ""}`);
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const fast503 = { kind: "error" as const, status: 503, message: "Service Unavailable", headers: { "retry-after-ms": "20" } };

test("onRetry is told each retry: the attempt about to start, of how many, the wait, and why", async () => {
  const seen: RetryInfo[] = [];
  await withSim({ script: [fast503, fast503, { text: "finally" }] }, { maxRetries: 2, onRetry: (i) => seen.push(i) }, async (sim, llm) => {
    assert.equal(await llm.complete("hi"), "finally");
    assert.deepEqual(seen.map((i) => [i.attempt, i.maxAttempts, i.delayMs, i.method, i.url]), [
      [2, 3, 20, "POST", `${sim.baseURL}/chat/completions`],
      [3, 3, 20, "POST", `${sim.baseURL}/chat/completions`],
    ]);
    assert.ok(seen[0]!.error instanceof ServerError);
    assert.equal(seen[0]!.error.status, 503);
  });
});

test("a request's own onRetry replaces the client's", async () => {
  const client: RetryInfo[] = [];
  const own: RetryInfo[] = [];
  await withSim({ script: [fast503, { text: "ok" }] }, { maxRetries: 1, onRetry: (i) => client.push(i) }, async (_sim, llm) => {
    await llm.chat.completions.create({ messages: user("hi") }, { onRetry: (i) => own.push(i) });
    assert.equal(client.length, 0);
    assert.equal(own.length, 1);
  });
});

test("the final error says how many attempts were made, which URL was tried, and the model", async () => {
  await withSim({ script: [fast503, fast503, fast503] }, { maxRetries: 2, model: "dragon-7b" }, async (sim, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof ServerError);
    assert.equal(e.attempts, 3);
    assert.equal(e.url, `${sim.baseURL}/chat/completions`);
    assert.equal(e.model, "dragon-7b");
    assert.ok(e.message.endsWith(`[POST ${sim.baseURL}/chat/completions, 3 attempts]`), e.message);
  });
});

test("a refused connection on the Ollama preset says to run `ollama serve`, with the URL and attempts", async () => {
  const port = await closedPort();
  const llm = createClient({ provider: "ollama", baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
  const e = await rejection(llm.complete("hi"));
  assert.ok(e instanceof ConnectionError);
  assert.match(e.message, /connection refused \(ECONNREFUSED\) — is Ollama running there\? Start it with `ollama serve`/);
  assert.match(e.message, new RegExp(`POST http://127\\.0\\.0\\.1:${port}/v1/chat/completions failed`));
  assert.match(e.message, /\[2 attempts\]$/);
  const generic = createClient({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m", maxRetries: 0 });
  assert.match((await rejection(generic.complete("hi"))).message, /is the server running at that address\?/);
});

test("logLevel debug with a logger: each attempt, status, retry and failure is logged, never the key", async () => {
  const log = captureLogger();
  await withSim({ script: [fast503, { text: "ok" }] }, { maxRetries: 1, logLevel: "debug", logger: log, apiKey: "sk-secret-key-123456" }, async () => {});
  await withSim({ script: [fast503, { text: "ok" }] }, { maxRetries: 1, logLevel: "debug", logger: log, apiKey: "sk-secret-key-123456" }, async (_sim, llm) => {
    await llm.complete("hi");
  });
  const text = log.lines.join("\n");
  assert.match(text, /debug mimir-llm \[debug\] POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(attempt 1 of 2\)/);
  assert.match(text, /→ 503 in \d+ ms/);
  assert.match(text, /info mimir-llm \[info\] retrying POST .* in 0\.0 s \(attempt 2 of 2\)/);
  assert.match(text, /→ 200 in \d+ ms/);
  assert.doesNotMatch(text, /sk-secret/);
});

test("logLevel filters: warn shows warnings, not debug lines; silent by default", async () => {
  const log = captureLogger();
  await withSim({ script: [{ text: "ok" }] }, { logLevel: "warn", logger: log, provider: "groq", apiKey: "gsk-test" }, async (_sim, llm) => {
    await llm.chat.completions.create({ messages: user("hi"), logit_bias: { "1": 1 } });
  });
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0]!, /^warn mimir-llm \[warn\] `logit_bias` was dropped/);
  const quiet = captureLogger();
  await withSim({ script: [{ text: "ok" }] }, { logger: quiet }, async (_sim, llm) => void (await llm.complete("hi")));
  assert.deepEqual(quiet.lines, []);
});

test("MIMIR_LLM_LOG=debug switches the log on without code changes", async () => {
  const log = captureLogger();
  process.env.MIMIR_LLM_LOG = "debug";
  try {
    await withSim({ script: [{ text: "ok" }] }, { logger: log }, async (_sim, llm) => void (await llm.complete("hi")));
  } finally {
    delete process.env.MIMIR_LLM_LOG;
  }
  assert.ok(log.lines.some((l) => l.startsWith("debug ")), log.lines.join("\n"));
});

test("bad logging and retry options are ConfigErrors naming the option", () => {
  assert.throws(() => createClient({ baseURL: "http://x/v1", logLevel: "verbose" as never }), /logLevel must be one of/);
  assert.throws(() => createClient({ baseURL: "http://x/v1", logger: { debug() {} } as never }), /logger must have debug, info, warn and error/);
  assert.throws(() => createClient({ baseURL: "http://x/v1", onRetry: 5 as never }), /onRetry must be a function/);
});

test("per-request options are validated like client options, before anything is sent", async () => {
  await withSim({ script: [] }, {}, async (sim, llm) => {
    for (const [opts, pattern] of [
      [{ timeout: -1 }, /timeout must be a number ≥ 1/],
      [{ maxRetries: "3" }, /maxRetries must be a number ≥ 0/],
      [{ idleTimeout: Number.NaN }, /idleTimeout must be a number/],
      [{ signal: {} }, /signal must be an AbortSignal/],
      [{ headers: { "x-n": 1 } }, /headers\["x-n"\] must be a string/],
      [{ onWarning: "log" }, /onWarning must be a function/],
      ["fast", /request options must be an object/],
    ] as [never, RegExp][]) {
      const e = await rejection(llm.chat.completions.create({ messages: user("hi") }, opts));
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, pattern);
    }
    assert.equal(sim.requests.length, 0);
  });
});

test("withResponse(): the completion with the response, request id and rate-limit headers", async () => {
  const headers = {
    "x-request-id": "req_42", "x-ratelimit-limit-requests": "30", "x-ratelimit-remaining-requests": "29",
    "x-ratelimit-reset-requests": "2s", "x-ratelimit-limit-tokens": "6000", "x-ratelimit-remaining-tokens": "5900", "x-ratelimit-reset-tokens": "1m0.5s",
  };
  await withSim({ script: [{ text: "hi there", headers }, { text: "streamed", headers }] }, {}, async (_sim, llm) => {
    const { data, requestId, rateLimit, response } = await llm.chat.completions.create({ messages: user("hi") }).withResponse();
    assert.equal(data.choices[0]!.message.content, "hi there");
    assert.equal(requestId, "req_42");
    assert.equal(response.status, 200);
    assert.deepEqual(rateLimit, { limitRequests: 30, remainingRequests: 29, resetRequestsMs: 2000, limitTokens: 6000, remainingTokens: 5900, resetTokensMs: 60500 });
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    assert.equal(s.rateLimit.remainingTokens, 5900);
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "streamed");
  });
});

test("withResponse() on embeddings and models; a plain await still gives just the data; errors reach both", async () => {
  await withSim({ script: [] }, {}, async (_sim, llm) => {
    const e = await llm.embeddings.create({ input: ["a"], model: "sim-embed" }).withResponse();
    assert.equal(e.data.data.length, 1);
    assert.equal(e.response.status, 200);
    const m = await llm.models.list().withResponse();
    assert.deepEqual(m.data.map((x) => x.id), ["sim-model", "sim-embed"]);
    assert.deepEqual((await llm.models.list()).map((x) => x.id), ["sim-model", "sim-embed"]);
    const p = llm.chat.completions.create({ messages: user("hi"), model: "nope" });
    assert.ok(p instanceof Promise);
  });
  await withSim({ models: ["sim-model"], script: [] }, {}, async (_sim, llm) => {
    const p = llm.chat.completions.create({ messages: user("hi"), model: "nope" });
    assert.ok(await rejection(p.withResponse()) instanceof NotFoundError);
    assert.ok(await rejection(p) instanceof NotFoundError);
  });
});

test("an abort is reported as an AbortError without a retry and without URL noise in its message", async () => {
  const ac = new AbortController();
  await withSim({ script: [{ text: "slow", delayMs: 2000 }] }, { maxRetries: 2 }, async (_sim, llm) => {
    setTimeout(() => ac.abort(), 50);
    const e = await rejection(llm.complete("hi", { signal: ac.signal }));
    assert.ok(e instanceof AbortError, String(e));
    assert.equal(e.attempts, 1);
    assert.doesNotMatch(e.message, /\[POST/);
  });
});
