import { test } from "node:test";
import assert from "node:assert/strict";
import { partialValues } from "../src/structured/partial-values.js";

const pieces = (text: string, size: number) => ({
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  },
});

test("partialValues: a small value gets a snapshot per piece; a large one a logarithmic number, the last equal to the value", async () => {
  const small = JSON.stringify({ name: "Bramwell", race: "dwarf" });
  const few: unknown[] = [];
  for await (const v of partialValues(pieces(small, 4), false)) few.push(v);
  assert.ok(few.length >= 6, `${few.length} snapshots of a ${small.length}-character value`);
  assert.deepEqual(few.at(-1), JSON.parse(small));

  const big = JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `npc ${i}`, tags: ["a", "b"] })));
  const many: unknown[] = [];
  for await (const v of partialValues(pieces(big, 100), false)) many.push(v);
  const chunks = Math.ceil(big.length / 100);
  // One per piece would be `chunks` snapshots (and quadratic work); growth by 1/16 gives ~16 per doubling.
  assert.ok(many.length < 400 && many.length < chunks / 5, `${many.length} snapshots for ${chunks} pieces`);
  assert.deepEqual(many.at(-1), JSON.parse(big));
  for (let i = 1; i < many.length; i++) assert.ok((many[i] as unknown[]).length >= (many[i - 1] as unknown[]).length, "each snapshot extends the one before");
});

test("partialValues: text before the value (a fence, a sentence) is skipped; a wrapped value is unwrapped", async () => {
  const out: unknown[] = [];
  for await (const v of partialValues(pieces('Here it is: ```json\n{"value":"PASS"}\n```', 3), true)) out.push(v);
  assert.equal(out.at(-1), "PASS");
});
