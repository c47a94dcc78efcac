import type { SimResponse } from "./response.js";
import type { SimDelivery } from "./script.js";

/** One piece of a response body: text or bytes to send, or a pause to await (a stall, a dropped connection). */
export type Frame = string | Uint8Array | (() => Promise<void>);

const enc = new TextEncoder();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A response whose body sends `frames` as `delivery` says: each frame as it comes (pulled lazily, so
 * a long stream is produced only as fast as it is read), or the text cut at byte offsets (S3).
 */
export function respond(status: number, headers: Record<string, string>, frames: Iterable<Frame>, delivery: SimDelivery): SimResponse {
  return {
    status,
    headers,
    delayMs: delivery.delayMs ?? 0,
    body: delivery.split !== undefined ? splitBody(frames, delivery.split) : frameBody(frames, delivery.chunkDelayMs),
  };
}

async function* frameBody(frames: Iterable<Frame>, chunkDelayMs: number | undefined): AsyncGenerator<Uint8Array> {
  for (const f of frames) {
    if (typeof f === "function") await f();
    else yield typeof f === "string" ? enc.encode(f) : f;
    if (chunkDelayMs) await wait(chunkDelayMs);
  }
}

/** Split mode: the text frames are cut at byte offsets regardless of frame boundaries; a pause ends the text. */
async function* splitBody(frames: Iterable<Frame>, split: NonNullable<SimDelivery["split"]>): AsyncGenerator<Uint8Array> {
  const data: Uint8Array[] = [];
  let pause: (() => Promise<void>) | undefined;
  for (const f of frames) {
    if (typeof f === "function") {
      pause = f;
      break;
    }
    data.push(typeof f === "string" ? enc.encode(f) : f);
  }
  const all = concat(data);
  let prev = 0;
  for (const at of [...cuts(split, all.length), all.length]) {
    yield all.subarray(prev, at);
    prev = at;
    await wait(1);
  }
  if (pause) await pause();
}

/** Byte offsets to cut a body of `length` bytes at. */
function cuts(split: NonNullable<SimDelivery["split"]>, length: number): number[] {
  if (Array.isArray(split)) return split.filter((n) => n > 0 && n < length).sort((a, b) => a - b);
  const out: number[] = [];
  if (split === "random") {
    for (let i = 1; i < length; i++) if (Math.random() < 0.15) out.push(i);
    return out;
  }
  for (let i = split; i < length; i += split) out.push(i);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
