import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthenticationError, BadRequestError, ConflictError, ContextLengthError, InvalidResponseError, LlmError, NotFoundError,
  PermissionDeniedError, QuotaExceededError, RateLimitError, ServerError, TimeoutError, type SimReply,
} from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

async function errorFor(reply: SimReply, dialect?: any, client: Record<string, unknown> = {}) {
  return withSim({ dialect, script: [reply] }, client, (_s, llm) => rejection(llm.chat.completions.create({ messages: user("hi") })));
}

test("E1: {error:{message,type,param,code}} → typed error with status, code, type, param, provider, request id", async () => {
  const e = await errorFor({ kind: "error", status: 400, message: "temperature must be ≤ 2", type: "invalid_request_error", param: "temperature", code: "invalid_value", headers: { "x-request-id": "req_123" } });
  assert.ok(e instanceof BadRequestError);
  assert.ok(e instanceof LlmError);
  assert.deepEqual([e.status, e.code, e.type, e.param, e.requestId, e.provider], [400, "invalid_value", "invalid_request_error", "temperature", "req_123", "openai-compatible"]);
  assert.match(e.message, /temperature must be ≤ 2/);
  assert.match(e.body!, /invalid_value/);
});

for (const [shape, body] of [
  ["{error: string} (Ollama native)", { error: "something broke" }],
  ["{detail: string} (FastAPI)", { detail: "something broke" }],
  ["{detail: [{loc,msg}]} (FastAPI validation)", { detail: [{ loc: ["body", "x"], msg: "something broke" }] }],
  ["{object:error, message} (vLLM)", { object: "error", message: "something broke", type: "BadRequestError", code: 400 }],
  ["{message} (bare)", { message: "something broke" }],
  ["[{error:{…}}] (Gemini)", [{ error: { code: 400, message: "something broke", status: "INVALID_ARGUMENT" } }]],
] as const) {
  test(`E2: ${shape} → BadRequestError with the message`, async () => {
    const e = await errorFor({ kind: "error", status: 400, body });
    assert.ok(e instanceof BadRequestError, String(e));
    assert.match(e.message, /something broke/);
  });
}

test("E3: an HTML 502 from a proxy keeps status and a trimmed body snippet", async () => {
  const html = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(10000)}</body></html>`;
  const e = await errorFor({ kind: "error", status: 502, body: html });
  assert.ok(e instanceof ServerError);
  assert.equal(e.status, 502);
  assert.match(e.message, /502 Bad Gateway/);
  assert.ok(e.body!.length <= 2000 && e.body!.startsWith("<html>"));
});

test("E3: a plain-text 503 body", async () => {
  const e = await errorFor({ kind: "error", status: 503, body: "upstream connect error" });
  assert.ok(e instanceof ServerError);
  assert.match(e.message, /upstream connect error/);
});

test("E4: HTTP 200 with only {error} is an error, not a success", async () => {
  const e = await errorFor({ kind: "raw", contentType: "application/json", body: JSON.stringify({ error: { message: "provider unavailable", code: 400 } }) });
  assert.ok(e instanceof BadRequestError, String(e));
  assert.match(e.message, /provider unavailable/);
  const e2 = await errorFor({ kind: "raw", contentType: "application/json", body: JSON.stringify({ error: { message: "boom" } }) });
  assert.ok(e2 instanceof ServerError);
});

test("E6: 429 insufficient_quota → QuotaExceededError, never retried", async () => {
  await withSim({ script: [{ kind: "error", status: 429, message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", code: "insufficient_quota" }] }, { maxRetries: 3 }, async (sim, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof QuotaExceededError);
    assert.equal(sim.requests.length, 1);
  });
  const e402 = await errorFor({ kind: "error", status: 402, message: "Insufficient credits" });
  assert.ok(e402 instanceof QuotaExceededError);
});

for (const message of [
  "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
  "Please reduce the length of the messages or completion.",
  "the input length exceeds the context length",
  "prompt is too long: 210000 tokens > 200000 maximum",
]) {
  test(`E7: context length: "${message.slice(0, 40)}…" → ContextLengthError`, async () => {
    const e = await errorFor({ kind: "error", status: 400, message, code: "context_length_exceeded" });
    assert.ok(e instanceof ContextLengthError, String(e));
  });
}

test("E8: model not found (ollama 404, llama.cpp 400, vLLM 404) → NotFoundError naming the model", async () => {
  for (const dialect of ["ollama", "llamacpp", "vllm", "openai"] as const) {
    await withSim({ dialect, models: ["llama3.2"] }, { model: "no-such-model" }, async (_s, llm) => {
      const e = await rejection(llm.complete("hi"));
      assert.ok(e instanceof NotFoundError, `${dialect}: ${e}`);
      assert.equal(e.model, "no-such-model");
      assert.match(e.message, /no-such-model/);
    });
  }
});

test("E9: our own timeout governs a long non-stream generation (TimeoutError kind total)", async () => {
  await withSim({ script: [{ text: "slow", delayMs: 2000 }] }, { timeout: 150 }, async (_s, llm) => {
    const t0 = Date.now();
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.kind, "total");
    assert.ok(Date.now() - t0 < 1500);
  });
});

test("each HTTP status maps to its class", async () => {
  const cases: [number, new (...a: any[]) => LlmError][] = [
    [401, AuthenticationError], [403, PermissionDeniedError], [404, NotFoundError], [409, ConflictError],
    [422, BadRequestError], [429, RateLimitError], [500, ServerError], [503, ServerError], [408, TimeoutError],
  ];
  for (const [status, cls] of cases) {
    const e = await errorFor({ kind: "error", status, message: `status ${status}` });
    assert.ok(e instanceof cls, `${status} → ${e?.name}`);
    assert.equal(e.status, status);
  }
});

test("a non-JSON 200 body → InvalidResponseError with the raw body", async () => {
  const e = await errorFor({ kind: "raw", contentType: "text/plain", body: "hello, not json" });
  assert.ok(e instanceof InvalidResponseError);
  assert.equal(e.body, "hello, not json");
});

test("a JSON 200 without choices → InvalidResponseError", async () => {
  const e = await errorFor({ kind: "raw", contentType: "application/json", body: '{"id":"x"}' });
  assert.ok(e instanceof InvalidResponseError);
});

test("secrets: a server echoing the key never puts it in message, body, or JSON of the error", async () => {
  const key = "sk-proj-SECRETSECRETSECRET1234";
  await withSim({ apiKey: "the-right-key" }, { apiKey: key }, async (_s, llm) => {
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof AuthenticationError);
    const everything = [e.message, e.body, e.stack, JSON.stringify(e), String(e)].join("\n");
    assert.equal(everything.includes(key), false, everything);
    assert.match(e.message, /\[redacted\]/);
  });
});

test("a 404 for a path the server does not serve says what was requested, quotes the server, and points at the base URL", async () => {
  // The simulator answers 404 for an unknown path, as a server given the wrong base URL would.
  const { createClient } = await import("./exports.js");
  const { startSimulator } = await import("./exports.js");
  const sim = await startSimulator({ dialect: "ollama" });
  try {
    const llm = createClient({ provider: "ollama", baseURL: `${sim.origin}/api`, model: "llama3.2", maxRetries: 0 });
    const e = await rejection(llm.complete("hi"));
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.model, undefined);
    assert.match(e.message, /POST http:\/\/127\.0\.0\.1:\d+\/api\/chat\/completions was not found: the server said "[^"]+"; the server has no such endpoint: check baseURL/);
  } finally {
    await sim.close();
  }
});
