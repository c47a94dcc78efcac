import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, TimeoutError } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

const settle = () => new Promise((r) => setTimeout(r, 60));

test("abort before sending: AbortError, nothing reaches the server", async () => {
  await withSim({}, {}, async (sim, llm) => {
    const e = await rejection(llm.complete("hi", { signal: AbortSignal.abort() }));
    assert.ok(e instanceof AbortError);
    assert.equal(sim.requests.length, 0);
  });
});

test("abort while waiting for headers: AbortError promptly, the connection is closed", async () => {
  await withSim({ script: [{ text: "late", delayMs: 3000 }] }, {}, async (sim, llm) => {
    const ac = new AbortController();
    // Abort once the server holds the request (it delays its headers by 3 s).
    const poll = setInterval(() => sim.requests.length && ac.abort(), 5);
    const t0 = Date.now();
    const e = await rejection(llm.chat.completions.create({ messages: user("hi"), stream: true }, { signal: ac.signal }));
    clearInterval(poll);
    assert.ok(e instanceof AbortError, String(e));
    assert.ok(Date.now() - t0 < 1500);
    await settle();
    assert.equal(sim.requests[0]!.closedEarly, true);
  });
});

test("abort mid-stream: AbortError carrying the partial output; the connection is closed", async () => {
  await withSim({ script: [{ text: "one two three", stallAfter: 3 }] }, {}, async (sim, llm) => {
    const ac = new AbortController();
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true }, { signal: ac.signal });
    let seen = "";
    const e = await rejection((async () => {
      for await (const c of s) {
        seen += c.choices[0]?.delta.content ?? "";
        if (seen === "one two ") ac.abort();
      }
    })());
    assert.ok(e instanceof AbortError, String(e));
    assert.equal(e.partial!.choices[0].message.content, "one two ");
    await settle();
    assert.equal(sim.requests[0]!.closedEarly, true);
  });
});

test("stream.abort() ends the iteration with AbortError and closes the connection", async () => {
  await withSim({ script: [{ text: "one two three", stallAfter: 2 }] }, {}, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    setTimeout(() => s.abort(), 50);
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof AbortError, String(e));
    await settle();
    assert.equal(sim.requests[0]!.closedEarly, true);
  });
});

test("breaking out of for-await closes the connection", async () => {
  await withSim({ script: [{ text: "one two three four five", stallAfter: 4 }] }, {}, async (sim, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    for await (const c of s) if (c.choices[0]?.delta.content === "two ") break;
    await settle();
    assert.equal(sim.requests[0]!.closedEarly, true);
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof AbortError);
    // The partial output is what was received, at least what the caller saw.
    assert.match(e.partial!.choices[0]!.message.content!, /^one two /);
  });
});

test("total timeout applies to streams too; idle timeout is per request", async () => {
  await withSim({ script: [{ text: "a b c d e f g h", chunkDelayMs: 50 }, { text: "x y", stallAfter: 1 }] }, {}, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true }, { timeout: 150 });
    const e = await rejection(s.finalChatCompletion());
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.kind, "total");
    const s2 = await llm.chat.completions.create({ messages: user("hi"), stream: true }, { idleTimeout: 100 });
    const e2 = await rejection(s2.finalChatCompletion());
    assert.equal(e2.kind, "idle");
  });
});

test("a stream can only be iterated once; finalChatCompletion after iterating returns the result", async () => {
  await withSim({ script: [{ text: "abc" }] }, {}, async (_s, llm) => {
    const s = await llm.chat.completions.create({ messages: user("hi"), stream: true });
    for await (const _ of s) { /* consume */ }
    assert.equal((await s.finalChatCompletion()).choices[0]!.message.content, "abc");
    await assert.rejects(async () => { for await (const _ of s) { /* again */ } }, /already been iterated/);
  });
});
