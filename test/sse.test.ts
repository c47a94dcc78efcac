import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SseDecoder, type SseEvent } from "../src/index.js";

const enc = new TextEncoder();

function decodeSplit(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const d = new SseDecoder();
  const out: SseEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...d.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...d.end());
  return out;
}

const fixture =
  ": OPENROUTER PROCESSING\n\n" +
  'data: {"choices":[{"delta":{"content":"Dragons 🐉 and ünïcode"}}]}\n\n' +
  "event: message\r\ndata: {\"a\":1}\r\n\r\n" +
  'data: {"b":\r\ndata: 2}\r\r' +
  "data: [DONE]\n\n";

test("S1 S2: comments ignored; LF, CRLF and bare CR line endings; multi-line data joined", () => {
  const events = decodeSplit(enc.encode(fixture), []);
  assert.deepEqual(events, [
    { event: undefined, data: '{"choices":[{"delta":{"content":"Dragons 🐉 and ünïcode"}}]}' },
    { event: "message", data: '{"a":1}' },
    { event: undefined, data: '{"b":\n2}' },
    { event: undefined, data: "[DONE]" },
  ]);
});

test("S3 property: any split of the bytes (inside UTF-8, inside data:, inside JSON) gives the same events", () => {
  const bytes = enc.encode(fixture);
  const whole = decodeSplit(bytes, []);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
      assert.deepEqual(decodeSplit(bytes, cuts.sort((a, b) => a - b)), whole);
    }),
    { numRuns: 500 },
  );
});

test("S2 property: a CR at the end of one piece and LF at the start of the next is one line end", () => {
  const bytes = enc.encode('data: {"x":1}\r\n\r\ndata: {"y":2}\r\n\r\n');
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.equal(decodeSplit(bytes, [cut]).length, 2, `cut at ${cut}`);
  }
});

test("S4: a body ending without a blank line still yields its last event", () => {
  assert.deepEqual(decodeSplit(enc.encode('data: {"last":true}'), []), [{ event: undefined, data: '{"last":true}' }]);
});

test("a bare JSON line without `data:` becomes an event, not silently dropped", () => {
  assert.deepEqual(decodeSplit(enc.encode('{"bare":1}\n\n'), []), [{ event: undefined, data: '{"bare":1}' }]);
});

test("an `event: error` frame without data is still reported", () => {
  assert.deepEqual(decodeSplit(enc.encode("event: error\n\n"), []), [{ event: "error", data: "" }]);
});

test("pending exposes an event cut off by the end of the body", () => {
  const d = new SseDecoder();
  d.push(enc.encode('data: {"half'));
  assert.equal(d.pending, 'data: {"half');
});
