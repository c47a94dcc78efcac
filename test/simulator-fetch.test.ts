import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createClient, mockFetch, mockPreset, simulatorFetch, type SimReply } from "./exports.js";

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
const chatBody = (stream = true) => JSON.stringify({ model: "m", stream, messages: [{ role: "user", content: "hi" }] });
const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

async function open(reply: SimReply, signal: AbortSignal) {
  const f = simulatorFetch({ script: [reply] });
  const res = await f("http://sim.invalid/v1/chat/completions", { method: "POST", body: chatBody(), signal });
  return { f, res, reader: res.body!.getReader() };
}

test("simulatorFetch: one abort listener per request, whatever the length of the reply, removed when the body ends", async () => {
  const ac = new AbortController();
  const { reader } = await open({ text: words(3000) }, ac.signal);
  let reads = 0;
  let most = 0;
  for (;;) {
    const r = await reader.read();
    most = Math.max(most, listeners(ac.signal));
    if (r.done) break;
    reads++;
  }
  assert.ok(reads > 3000, `${reads} reads`);
  assert.equal(most, 1);
  assert.equal(listeners(ac.signal), 0);
});

test("simulatorFetch: aborting mid-stream rejects the pending read with the signal's reason, ends a stall, frees the listener", async () => {
  const ac = new AbortController();
  const { f, reader } = await open({ text: "a b c d", stallAfter: 2 }, ac.signal);
  await reader.read();
  await reader.read();
  const pending = reader.read(); // the stall: nothing comes until the abort
  setTimeout(() => ac.abort(new Error("user left")), 20);
  await assert.rejects(pending, /user left/);
  assert.equal(listeners(ac.signal), 0);
  assert.equal(f.engine.requests[0]!.closedEarly, true);
});

test("simulatorFetch: cancelling the body frees the listener and tells the engine the client went away", async () => {
  const ac = new AbortController();
  const { f, reader } = await open({ text: words(50) }, ac.signal);
  await reader.read();
  assert.equal(listeners(ac.signal), 1);
  await reader.cancel();
  assert.equal(listeners(ac.signal), 0);
  assert.equal(f.engine.requests[0]!.closedEarly, true);
  // An abort after the cancel is harmless.
  ac.abort();
});

test("simulatorFetch: a signal already aborted rejects before the engine sees the request", async () => {
  const f = simulatorFetch({});
  await assert.rejects(f("http://sim.invalid/v1/chat/completions", { method: "POST", body: chatBody(), signal: AbortSignal.abort(new Error("too late")) }), /too late/);
  assert.equal(f.engine.requests.length, 0);
});

test("simulatorFetch: a long streamed reply through the client arrives whole (the in-process path the CLI's mock uses)", async () => {
  const text = words(20_000);
  const llm = createClient({ baseURL: "http://sim.invalid/v1", model: "m", fetch: simulatorFetch({ script: [{ text }] }) });
  const s = await llm.chat.completions.create({ messages: [{ role: "user", content: "go" }], stream: true });
  assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, text);
});

test("mockPreset + mockFetch: the offline provider echoes the last user message and lists its two models", async () => {
  assert.deepEqual(
    { id: mockPreset.id, name: mockPreset.name, baseURL: mockPreset.baseURL, keyRequired: mockPreset.keyRequired, model: mockPreset.defaultModel, embed: mockPreset.defaultEmbeddingModel },
    { id: "mock", name: "Offline mock (simulator)", baseURL: "http://mock.invalid/v1", keyRequired: false, model: "mock-model", embed: "mock-embed" },
  );
  const fetch = mockFetch();
  const llm = createClient({ provider: mockPreset, fetch });
  assert.equal(await llm.complete("hello there"), "You said: hello there");
  // Any model name is served (anyModel), the default one is sent.
  assert.equal(fetch.engine.requests[0]!.body.model, "mock-model");
  const other = createClient({ provider: mockPreset, fetch, model: "anything-at-all" });
  assert.equal(await other.complete("x"), "You said: x");
  assert.deepEqual((await llm.models.list()).map((m) => m.id), ["mock-model", "mock-embed"]);
  const e = await llm.embeddings.create({ input: ["a", "b"] });
  assert.equal(e.data.length, 2);
  assert.equal(fetch.engine.dialect.name, "openai");
  // Each call makes a fresh simulator: no state shared between clients.
  assert.equal(mockFetch().engine.requests.length, 0);
});

test("simulatorFetch: an abort while the headers are delayed rejects at once, not after the delay", async () => {
  const f = simulatorFetch({ script: [{ text: "late", delayMs: 5000 }] });
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(new Error("gave up")), 20);
  await assert.rejects(f("http://sim.invalid/v1/chat/completions", { method: "POST", body: chatBody(false), signal: ac.signal }), /gave up/);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(listeners(ac.signal), 0);
  assert.equal(f.engine.requests[0]!.closedEarly, true);
});
