import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "./exports.js";
import { cli, closedPort } from "./cli-helpers.js";

const empty = mkdtempSync(join(tmpdir(), "mimir-cli-retry-"));
const isolated = { cwd: empty, env: { XDG_CONFIG_HOME: empty, MIMIR_LLM_CONFIG: undefined, OLLAMA_HOST: undefined, GROQ_API_KEY: undefined, MIMIR_LLM_LOG: undefined } };
// The server's hint keeps the waits short.
const fast = { "retry-after-ms": "50" };

test("every retry is reported on stderr with the wait, the attempt and the status; the answer alone is on stdout", async () => {
  const sim = await startSimulator({ script: [{ kind: "error", status: 503, headers: fast }, { kind: "error", status: 429, headers: fast }, { text: "ok" }] });
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "hi"], isolated);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ok\n");
    assert.equal(r.stderr, "retrying in 50 ms (attempt 2 of 3): 503 Service Unavailable\nretrying in 50 ms (attempt 3 of 3): 429 Too Many Requests\n");
  } finally {
    await sim.close();
  }
});

test("a retry without a status says why in a few words: connection refused", async () => {
  const r = await cli(["models", "--base-url", `http://127.0.0.1:${await closedPort()}/v1`], isolated);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0]!, /^retrying in \d+ ms \(attempt 2 of 3\): connection refused$/);
  assert.match(lines[1]!, /^retrying in [\d.]+ m?s \(attempt 3 of 3\): connection refused$/);
  assert.match(lines[2]!, /^mimir-llm: .*ECONNREFUSED.*\[3 attempts\]$/);
  assert.equal(lines.length, 3);
});

test("--verbose: the library's debug log on stderr, and the error's details (retryAfterMs, model, requestId, url, attempts), never the key", async () => {
  const key = "gsk_VERBOSESECRET_0123456789";
  const limited = { kind: "error" as const, status: 429, message: "Rate limit reached", headers: { ...fast, "x-request-id": "req_abc123" } };
  const sim = await startSimulator({ script: [limited, limited, limited] });
  try {
    const r = await cli(["chat", "--provider", "groq", "--base-url", sim.baseURL, "--model", "m1", "--verbose", "hi"], { ...isolated, env: { ...isolated.env, GROQ_API_KEY: key } });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    const url = `${sim.baseURL}/chat/completions`;
    assert.ok(r.stderr.includes(`mimir-llm [debug] POST ${url} (attempt 1 of 3)`), r.stderr);
    assert.match(r.stderr, /^retrying in 50 ms \(attempt 3 of 3\): 429 Too Many Requests$/m);
    assert.match(r.stderr, /^mimir-llm: .*Rate limit reached/m);
    const details = JSON.parse(r.stderr.slice(r.stderr.indexOf("\n{") + 1));
    assert.deepEqual(
      [details.name, details.status, details.retryAfterMs, details.model, details.requestId, details.url, details.attempts, details.provider],
      ["RateLimitError", 429, 50, "m1", "req_abc123", url, 3, "groq"],
    );
    assert.equal(r.stderr.includes(key), false);
  } finally {
    await sim.close();
  }
});

test("MIMIR_LLM_LOG=debug logs to stderr, never into the answer on stdout", async () => {
  const sim = await startSimulator({ script: [{ text: "clean" }] });
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "hi"], { ...isolated, env: { ...isolated.env, MIMIR_LLM_LOG: "debug" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "clean\n");
    assert.match(r.stderr, /mimir-llm \[debug\] POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
  } finally {
    await sim.close();
  }
});

test("Ollama's model commands report their retries the same way (ps after a 503)", async () => {
  const sim = await startSimulator({ dialect: "ollama", script: [{ kind: "error", status: 503, headers: fast }] });
  try {
    const r = await cli(["ps", "--base-url", sim.origin], isolated);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "retrying in 50 ms (attempt 2 of 2): 503 Service Unavailable\n");
    assert.match(r.stdout, /no model loaded/);
  } finally {
    await sim.close();
  }
});
