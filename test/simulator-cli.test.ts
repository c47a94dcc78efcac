import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./cli-helpers.js";

// The CLI's offline mock runs the simulator in-process (simulatorFetch). A listener per read on the
// request's signal used to print MaxListenersExceededWarning on stderr after ten chunks and made long
// replies quadratic; the echo must come back whole, with nothing on stderr.
test("chat --provider mock: a reply of thousands of words streams whole, with nothing on stderr", { timeout: 60_000 }, async () => {
  const prompt = Array.from({ length: 6000 }, (_, i) => `word${i}`).join(" ");
  const r = await cli(["chat", "--provider", "mock", prompt]);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `You said: ${prompt}\n`);
});

test("chat --provider mock: a long prompt on stdin (60 000 words) is echoed whole, nothing on stderr", { timeout: 60_000 }, async () => {
  const prompt = Array.from({ length: 60_000 }, (_, i) => (i % 7 ? "ale" : "tavern")).join(" ");
  const r = await cli(["chat", "--provider", "mock"], { input: prompt });
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `You said: ${prompt}\n`);
});
