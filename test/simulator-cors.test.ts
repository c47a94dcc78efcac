import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "./exports.js";

const rateLimitHeaders = ["x-request-id", "retry-after", "retry-after-ms", "x-ratelimit-remaining-requests", "x-ratelimit-reset-tokens"];

test("CORS: a preflight gets 204 with origin, methods, the asked headers and max-age; it is not recorded and uses no scripted reply", async () => {
  const sim = await startSimulator({ script: [{ text: "scripted" }] });
  try {
    const res = await fetch(`${sim.baseURL}/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "http://app.example:5173", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-lang" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /\bPOST\b/);
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /\bGET\b/);
    assert.equal(res.headers.get("access-control-allow-headers"), "authorization, content-type, x-stainless-lang");
    assert.ok(Number(res.headers.get("access-control-max-age")) > 0);
    assert.equal(await res.text(), "");
    assert.equal(sim.requests.length, 0);
    assert.equal(sim.engine.pending, 1);
    // The real request after it gets the scripted reply.
    const chat = await fetch(`${sim.baseURL}/chat/completions`, { method: "POST", headers: { origin: "http://app.example:5173", "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) });
    assert.equal((await chat.json()).choices[0].message.content, "scripted");
    assert.equal(sim.requests.length, 1);
  } finally {
    await sim.close();
  }
});

test("CORS: every response allows any origin and exposes the request-id and rate-limit headers (successes, errors, streams)", async () => {
  const sim = await startSimulator({
    script: [
      { kind: "error", status: 429, message: "slow down", headers: { "retry-after": "1", "x-ratelimit-reset-tokens": "2m59.56s", "x-custom-hint": "yes" } },
      { text: "streamed" },
    ],
  });
  try {
    const limited = await fetch(`${sim.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [] }) });
    const stream = await fetch(`${sim.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }) });
    const models = await fetch(`${sim.baseURL}/models`);
    const missing = await fetch(`${sim.origin}/nowhere`);
    for (const res of [limited, stream, models, missing]) {
      assert.equal(res.headers.get("access-control-allow-origin"), "*", res.url);
      const exposed = (res.headers.get("access-control-expose-headers") ?? "").split(/,\s*/);
      for (const h of rateLimitHeaders) assert.ok(exposed.includes(h), `${res.url} exposes ${h}`);
      await res.text();
    }
    assert.equal(limited.status, 429);
    // A scripted header beyond the usual ones is exposed too, so a browser test can read it.
    assert.ok(limited.headers.get("access-control-expose-headers")!.split(/,\s*/).includes("x-custom-hint"));
    assert.equal(stream.headers.get("content-type"), "text/event-stream");
  } finally {
    await sim.close();
  }
});

test("CORS: an OPTIONS that is not a preflight is an ordinary request (recorded, answered by the dialect)", async () => {
  const sim = await startSimulator({ dialect: "ollama" });
  try {
    const res = await fetch(`${sim.origin}/api/tags`, { method: "OPTIONS" });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), "404 page not found");
    assert.equal(sim.requests.length, 1);
  } finally {
    await sim.close();
  }
});
