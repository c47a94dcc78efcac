import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { LlmError, type SimReply } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

// The key must never appear in anything an error exposes: not in `message`, not in any field, not in
// `cause` or `partial`, whatever field a server echoed it into. Checked the way people log errors.

const KEY = "sk-proj-SECRETsecret0123456789";
const KEYLIKE = /sk-[A-Za-z0-9_-]{6,}|SECRETsecret/;

function assertClean(e: unknown, what: string): void {
  assert.ok(e instanceof LlmError, `${what}: not an LlmError: ${e}`);
  const views = [
    ["message", e.message],
    ["JSON.stringify", JSON.stringify(e)],
    ["util.inspect", inspect(e, { depth: 10 })],
    ["String", String(e)],
    ["stack", e.stack ?? ""],
  ];
  for (const [how, text] of views) assert.doesNotMatch(text!, KEYLIKE, `${what}: the key shows in ${how}:\n${text}`);
}

const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
  ({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }], ...extra });

const cases: [string, SimReply, boolean][] = [
  ["a 401 echoing the key (message and body)", { kind: "error", status: 401, message: `Incorrect API key provided: ${KEY}.` }, false],
  ["a request-id header echoing the key", { kind: "error", status: 400, message: "bad", headers: { "x-request-id": `req-${KEY}` } }, false],
  ["a 200 without choices, serialised into the error", { kind: "raw", contentType: "application/json", body: JSON.stringify({ id: "x", object: "chat.completion", note: `key was ${KEY}` }) }, false],
  ["a 200 carrying only an error with the key (E4)", { kind: "raw", contentType: "application/json", body: JSON.stringify({ error: { message: `upstream rejected ${KEY}`, code: 401 } }) }, false],
  ["a non-stream finish_reason error", { kind: "raw", contentType: "application/json", body: JSON.stringify({ id: "x", choices: [{ index: 0, message: { content: `echo ${KEY}` }, finish_reason: "error" }], error: { message: `failed for ${KEY}` } }) }, false],
  ["an in-stream finish_reason error whose partial output holds the key", { kind: "raw", body: [chunk({ content: `the key is ${KEY} ` }), chunk({ content: "" }, "error", { error: { message: `upstream failed for ${KEY}`, code: 502 } })].map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") }, true],
  ["an event: error frame with the key", { kind: "raw", body: `data: ${JSON.stringify(chunk({ content: "hi" }))}\n\nevent: error\ndata: {"error":{"message":"auth ${KEY} revoked"}}\n\n` }, true],
  ["an HTML error page with the key", { kind: "error", status: 502, body: `<html><title>Bad gateway for ${KEY}</title></html>` }, false],
  ["a text/html answer to a stream", { kind: "raw", contentType: "text/html", body: `<p>${KEY}</p>` }, true],
  ["a cut-off stream event with the key", { kind: "raw", body: `data: ${JSON.stringify(chunk({ content: "a" }))}\n\ndata: {"id":"${KEY}","choi` }, true],
];

for (const [what, reply, stream] of cases) {
  test(`no key in any field of the error: ${what}`, async () => {
    await withSim({ script: [reply] }, { apiKey: KEY }, async (_sim, llm) => {
      const e = stream
        ? await rejection((async () => (await llm.chat.completions.create({ messages: user("hi"), stream: true })).finalChatCompletion())())
        : await rejection(llm.chat.completions.create({ messages: user("hi") }));
      assertClean(e, what);
    });
  });
}

test("no key in a connection error, its cause, or the retry errors handed to onRetry", async () => {
  const { createClient } = await import("./exports.js");
  const seen: unknown[] = [];
  const llm = createClient({ baseURL: "http://127.0.0.1:9/v1", model: "m", apiKey: KEY, maxRetries: 1, onRetry: (i) => seen.push(i.error) });
  // A fetch that fails mentioning the key, as a misconfigured proxy agent might.
  const failing = createClient({ baseURL: "http://127.0.0.1:9/v1", model: "m", apiKey: KEY, maxRetries: 0, fetch: async () => { throw new TypeError(`fetch failed for Bearer ${KEY}`, { cause: new Error(`socket hang up ${KEY}`) }); } });
  assertClean(await rejection(llm.complete("hi")), "connection refused");
  for (const e of seen) assertClean(e, "retry error");
  assertClean(await rejection(failing.complete("hi")), "fetch failure with the key in its cause");
});
