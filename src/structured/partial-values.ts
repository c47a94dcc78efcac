import { PartialJsonParser } from "./partial-json.js";

/**
 * Deep-partial snapshots of the JSON value in a stream of text pieces (a model's content deltas).
 * Whatever precedes the value (a code fence, a sentence) is skipped; whatever follows it is ignored.
 *
 * A snapshot copies the containers still open, so one per piece would cost the square of a large
 * value's size. A snapshot is taken when the value has grown by 1/16 since the last one, or 40 ms have
 * passed, and once at the end: every piece of a small value, a linear total for a large one.
 */
export async function* partialValues(pieces: AsyncIterable<string>, unwrap: boolean): AsyncGenerator<unknown> {
  const parser = new PartialJsonParser();
  let started = false;
  let last: unknown;
  let fed = 0;
  let fedAtSnapshot = 0;
  let timeAtSnapshot = 0;
  function* take(force: boolean): Generator<unknown> {
    const now = Date.now();
    if (!force && fed - fedAtSnapshot < fed / 16 && now - timeAtSnapshot < 40) return;
    fedAtSnapshot = fed;
    timeAtSnapshot = now;
    let snap = parser.snapshot();
    if (unwrap) snap = (snap as { value?: unknown } | undefined)?.value;
    if (snap !== undefined && snap !== last) {
      last = snap;
      yield snap;
    }
  }
  for await (let text of pieces) {
    if (!text || parser.done) continue;
    if (!started) {
      const at = text.search(/[[{]/);
      if (at === -1) continue;
      text = text.slice(at);
      started = true;
    }
    parser.push(text);
    fed += text.length;
    yield* take(parser.done);
  }
  if (started) yield* take(true);
}
