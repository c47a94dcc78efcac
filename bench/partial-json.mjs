// Benchmark of PartialJsonParser (src/structured/partial-json.ts) against JSON.parse.
//
// Not a build entry point: it imports the test build, so build that first:
//   npm run build:test && node bench/partial-json.mjs [--quick] [--shape=strings|objects|numbers] [--size=1|4] [--only=parse|snapshot|stream] [--chunk=100]
// (--shape/--size/--only narrow the run; add --child for a single measurement in this process, e.g.
// `node --cpu-prof bench/partial-json.mjs --child --shape=objects --size=1 --only=parse`.)
//   node bench/partial-json.mjs --open-cost   (snapshot cost against the size of the open container)
//
// For each document shape, at 1 MB and 4 MB, fed in 100-character chunks (10k chunks per MB):
// - JSON.parse: one JSON.parse of the whole document (the baseline, per byte);
// - parse: all push() calls plus end();
// - +snapshot: the same with snapshot() after every push;
// - partialObjectStream: the pieces through partialValues, as parse({ stream: true }) does (snapshots at 1/16 growth).
// Times are the median of 21 runs after 10 warm-up runs (steady state, JIT settled); chunks are flat strings made before timing
// (as a TextDecoder would give them), so slicing the document is not measured.
import { PartialJsonParser } from "../build/src/structured/partial-json.js";
import { partialValues } from "../build/src/structured/partial-values.js";
import { deepStrictEqual } from "node:assert/strict";
import { PerformanceObserver } from "node:perf_hooks";

const args = process.argv.slice(2);
const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const quick = args.includes("--quick");
const RUNS = quick ? 7 : 21;
const WARMUP = quick ? 5 : 10;
const CHUNK = Number(arg("chunk") ?? 100);
const MB = 1 << 20;

/** Deterministic pseudo-random numbers. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "the quick brown fox jumps over a lazy dog while model tokens stream into a café near the river and \"quoted\" words appear".split(" ");

/** An object of long strings: prose with escapes (\n, \", é), about 5 KB per value. */
function strings(bytes) {
  const r = rng(1);
  const o = {};
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    let s = "";
    while (s.length < 5000) {
      s += WORDS[Math.floor(r() * WORDS.length)];
      s += r() < 0.02 ? "\n" : " ";
    }
    o[`section_${i}`] = s;
    size += JSON.stringify(s).length + 16;
  }
  return JSON.stringify(o, null, 1);
}

/** An array of small objects (10k per MB, about 100 bytes each), compact. */
function objects(bytes) {
  const r = rng(2);
  const a = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const o = { id: i, name: `item ${i}`, price: Math.round(r() * 100000) / 100, tags: ["red", "new"].slice(0, 1 + (i % 2)), active: r() < 0.5, score: null };
    a.push(o);
    size += JSON.stringify(o).length + 1;
  }
  return JSON.stringify(a);
}

/** Deeply nested arrays of numbers (a tree 8 levels deep, leaves of 8 integers and decimals), lightly spaced. */
function numbers(bytes) {
  const r = rng(3);
  const leaf = () => Array.from({ length: 8 }, (_, i) => (i % 2 ? Math.round(r() * 1e6) - 5e5 : Math.round(r() * 1e6) / 1e3));
  const tree = (d) => (d === 0 ? leaf() : [tree(d - 1), tree(d - 1)]);
  const parts = [];
  let size = 2;
  while (size < bytes) {
    const t = tree(7);
    parts.push(t);
    size += JSON.stringify(t).length + 2;
  }
  return JSON.stringify(parts).replaceAll(",", ", ");
}

const SHAPES = { strings, objects, numbers };

/** Flat (sequential) copies of the chunks, as a TextDecoder would give them. */
function chunksOf(doc) {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const out = [];
  for (let i = 0; i < doc.length; i += CHUNK) out.push(dec.decode(enc.encode(doc.slice(i, i + CHUNK))));
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Median time of RUNS runs after WARMUP runs, and the share of the measured time spent in GC. */
async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn(); // warm-up: the JIT settles after a few runs
  const gcs = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ["gc"] });
  const ts = [];
  const from = performance.now();
  for (let i = 0; i < RUNS; i++) ts.push(await time(fn));
  const to = performance.now();
  await new Promise((r) => setTimeout(r, 100)); // GC entries arrive asynchronously
  obs.disconnect();
  const gc = gcs.filter((e) => e.startTime >= from && e.startTime < to).reduce((sum, e) => sum + e.duration, 0);
  return { ms: median(ts), gcShare: gc / (to - from) };
}

const parseAll = (chunks) => () => {
  const p = new PartialJsonParser();
  for (const c of chunks) p.push(c);
  return p.end();
};
// What partialObjectStream does: the pieces through partialValues (snapshots at 1/16 growth or 40 ms), every snapshot read.
const streamed = (chunks) => async () => {
  const pieces = { async *[Symbol.asyncIterator]() { yield* chunks; } };
  let last;
  for await (const v of partialValues(pieces, false)) last = v;
  return last;
};
const parseSnap = (chunks) => () => {
  const p = new PartialJsonParser();
  for (const c of chunks) {
    p.push(c);
    p.snapshot();
  }
  return p.end();
};

// Each measurement runs in a fresh process (--child), so that one mode's garbage and JIT feedback
// do not skew the next: a parser sees one stream at a time.
if (args.includes("--child")) {
  const [shape, size, mode] = [arg("shape"), Number(arg("size")), arg("only")];
  const doc = SHAPES[shape](size * MB);
  const chunks = chunksOf(doc);
  const fn = mode === "json" ? () => JSON.parse(doc) : mode === "parse" ? parseAll(chunks) : mode === "stream" ? streamed(chunks) : parseSnap(chunks);
  const { ms, gcShare } = await measure(fn);
  deepStrictEqual(await fn(), JSON.parse(doc)); // what was measured is a correct parse
  process.stdout.write(JSON.stringify({ ms, gcShare, chars: doc.length, chunks: chunks.length }));
  process.exit(0);
}

// --open-cost: what one push + snapshot() costs with a large container open (the root array of
// objects, or an object of many keys), against the size of that container.
if (args.includes("--open-cost")) {
  const row = (label, prefix, item, sizes) => {
    for (const size of sizes) {
      const p = new PartialJsonParser();
      p.push(prefix);
      for (let i = 0; i < size; i++) p.push(item(i) + ",");
      p.snapshot();
      const reps = 100;
      const t = performance.now();
      for (let i = 0; i < reps; i++) {
        p.push(item(size + i) + ",");
        p.snapshot();
      }
      const us = ((performance.now() - t) / reps) * 1000;
      console.log(`${label.padEnd(34)} ~${String(size + reps / 2).padStart(6)} open: ${us.toFixed(1).padStart(7)} µs per push + snapshot`);
    }
  };
  for (let warm = 0; warm < 2; warm++) {
    if (warm === 1) console.log("open container size -> cost of one more element and a snapshot");
    const out = warm === 0 ? () => {} : console.log;
    const log = console.log;
    console.log = out;
    row("root array of small objects", "[", (i) => `{"id":${i},"name":"item ${i}"}`, [1000, 10000, 40000, 100000]);
    row("root object, short string values", "{", (i) => `"key_${i}":"value ${i}"`, [100, 1000, 10000]);
    console.log = log;
  }
  process.exit(0);
}

const { execFileSync } = await import("node:child_process");
const { fileURLToPath } = await import("node:url");
const self = fileURLToPath(import.meta.url);
function child(shape, size, mode) {
  const out = execFileSync(process.execPath, [...process.execArgv, self, "--child", `--shape=${shape}`, `--size=${size}`, `--only=${mode}`, `--chunk=${CHUNK}`, ...(quick ? ["--quick"] : [])], { encoding: "utf8" });
  return JSON.parse(out);
}

const shapes = arg("shape") ? [arg("shape")] : Object.keys(SHAPES);
const sizes = arg("size") ? [Number(arg("size"))] : [1, 4];
const only = arg("only");
const results = [];
for (const shape of shapes) {
  for (const size of sizes) {
    const base = child(shape, size, "json");
    const row = { shape, mb: size, chars: base.chars, chunks: base.chunks, jsonParse: base.ms, jsonGc: base.gcShare };
    if (only !== "snapshot") ({ ms: row.parse, gcShare: row.parseGc } = child(shape, size, "parse"));
    if (only !== "parse" && only !== "stream") ({ ms: row.snapshot, gcShare: row.snapshotGc } = child(shape, size, "snapshot"));
    if (only === undefined || only === "stream") ({ ms: row.stream, gcShare: row.streamGc } = child(shape, size, "stream"));
    results.push(row);
    const f = (x) => (x === undefined ? "-" : x.toFixed(2));
    const g = (x) => (x === undefined ? "" : ` gc ${Math.round(x * 100)}%`);
    console.log(
      `${shape.padEnd(8)} ${String(size).padStart(2)} MB ${String(row.chunks).padStart(6)} chunks | JSON.parse ${f(row.jsonParse).padStart(6)} ms${g(row.jsonGc)} | parse ${f(row.parse).padStart(6)} ms (${f(row.parse / row.jsonParse)}x)${g(row.parseGc)} | +snapshot ${f(row.snapshot).padStart(8)} ms (${f(row.snapshot / row.jsonParse)}x)${g(row.snapshotGc)} | partialObjectStream ${f(row.stream).padStart(7)} ms (${f(row.stream / row.jsonParse)}x)${g(row.streamGc)}`,
    );
  }
}
if (sizes.length > 1) {
  console.log("\nscaling, 4 MB time / 1 MB time (linear = 4.0):");
  for (const shape of shapes) {
    const [a, b] = [1, 4].map((s) => results.find((r) => r.shape === shape && r.mb === s));
    const f = (k) => (a[k] === undefined ? "-" : (b[k] / a[k]).toFixed(2));
    console.log(`${shape.padEnd(8)} JSON.parse ${f("jsonParse")} | parse ${f("parse")} | +snapshot ${f("snapshot")} | partialObjectStream ${f("stream")}`);
  }
}
