import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PartialJsonParser } from "../src/structured/partial-json.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---------------------------------------------------------------------------------------------
// Random JSON values, with the characters that make string handling hard.
const char = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.constantFrom('"', "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f", "é", "😀", "𝄞", "\u2028", "\ufeff", "u", "0") },
  { weight: 1, arbitrary: fc.constantFrom("\ud83d", "\ude00", "\udbff", "\udc00") }, // lone surrogates
);
const str = fc.oneof(
  { weight: 9, arbitrary: fc.array(char, { maxLength: 12 }).map((cs) => cs.join("")) },
  // Long ones too: the parser takes long runs with escapes another way.
  { weight: 1, arbitrary: fc.array(char, { minLength: 150, maxLength: 400 }).map((cs) => cs.join("")) },
);
const key = fc.oneof(fc.array(char, { maxLength: 12 }).map((cs) => cs.join("")), fc.constantFrom("__proto__", "constructor", "0", "1", "a", "b", "toString"));
const num = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e-7, 12.5, 1e21, 1e22, 1e23, 5e-324, 1.7976931348623157e308, 0.1, 9007199254740993, -1.5e-300),
);
const { value, arr, obj } = fc.letrec<{ value: Json; arr: Json[]; obj: { [k: string]: Json } }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, str, num, fc.boolean(), fc.constant(null), tie("arr"), tie("obj")),
  arr: fc.array(tie("value"), { maxLength: 5 }),
  obj: fc
    .array(fc.tuple(key, tie("value")), { maxLength: 5 })
    .map((entries) => {
      const o: { [k: string]: Json } = {};
      for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
      return o;
    }),
}));
/** Mostly containers: a top-level scalar is a short text. */
const doc = fc.oneof({ weight: 1, arbitrary: value }, { weight: 2, arbitrary: arr }, { weight: 2, arbitrary: obj });

// ---------------------------------------------------------------------------------------------
// A serialiser with random whitespace, random escape forms and random number spellings, driven by
// a seeded generator (so fast-check can replay and shrink it).
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function serialise(v: Json, seed: number, spacing: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const WS = ["", " ", "\n", "\t", "\r\n  ", "  \n\t "];
  const ws = () => (r() < spacing ? pick(WS) : "");
  const hex = (c: number) => {
    const h = c.toString(16).padStart(4, "0");
    return "\\u" + (r() < 0.5 ? h : h.toUpperCase());
  };
  const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };
  const string = (s: string) => {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      const c = ch.charCodeAt(0);
      if (SHORT[ch] !== undefined) out += r() < 0.7 ? SHORT[ch] : hex(c);
      else if (c < 0x20) out += hex(c);
      else if (ch === "/") out += r() < 0.5 ? "\\/" : "/";
      else out += r() < 0.15 ? hex(c) : ch; // escaped or raw (raw lone surrogates too)
    }
    return out + '"';
  };
  const number = (x: number) => {
    if (Object.is(x, -0)) return pick(["-0", "-0.0", "-0e0", "-0E+00", "-0.000e-5"]);
    const s = String(x);
    const forms = [s, x.toExponential(), x.toExponential().replace("e", "E").replace("+", "")];
    if (/^-?\d+$/.test(s)) forms.push(s + ".00", s + "e0", s + "E+0");
    if (/^-?[1-9]\d*$/.test(s)) forms.push(s + "0e-1");
    if (/^-?\d+\.\d+$/.test(s)) forms.push(s + "000");
    const f = pick(forms);
    assert.ok(Object.is(JSON.parse(f), x), `number form ${f} for ${x}`);
    return f;
  };
  const go = (v: Json): string => {
    if (v === null) return "null";
    if (typeof v === "boolean") return String(v);
    if (typeof v === "number") return number(v);
    if (typeof v === "string") return string(v);
    if (Array.isArray(v)) return "[" + ws() + v.map((x) => go(x) + ws()).join("," + ws()) + "]";
    return "{" + ws() + Object.keys(v).map((k) => string(k) + ws() + ":" + ws() + go(v[k]!) + ws()).join("," + ws()) + "}";
  };
  return ws() + go(v) + ws();
}

// ---------------------------------------------------------------------------------------------
// Deep-partial, precisely. `partial` is a deep-partial of `full` when:
// - they have the same type (null, boolean, number, string, array, object);
// - strings: `partial` is a prefix of `full`;
// - arrays: partial.length <= full.length, every element is a deep-partial of the element at the
//   same index, and all but the last are equal to it;
// - objects: the keys of `partial` are a subset of those of `full`, each value a deep-partial of
//   full's value for that key;
// - other scalars (numbers, booleans, null): equal (Object.is: -0 is not 0).
function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
function assertDeepPartial(partial: unknown, full: unknown, path = "$"): void {
  const t = typeOf(partial);
  assert.equal(t, typeOf(full), `${path}: type`);
  if (t === "string") assert.ok((full as string).startsWith(partial as string), `${path}: ${JSON.stringify(partial)} is not a prefix of ${JSON.stringify(full)}`);
  else if (t === "array") {
    const p = partial as unknown[];
    const f = full as unknown[];
    assert.ok(p.length <= f.length, `${path}: longer than the final array`);
    for (let i = 0; i < p.length; i++) {
      if (i < p.length - 1) assert.deepEqual(p[i], f[i], `${path}[${i}]: completed element differs`);
      else assertDeepPartial(p[i], f[i], `${path}[${i}]`);
    }
  } else if (t === "object") {
    const p = partial as Record<string, unknown>;
    const f = full as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(p), Object.prototype, `${path}: prototype`);
    for (const k of Object.keys(p)) {
      assert.ok(Object.hasOwn(f, k), `${path}: key ${JSON.stringify(k)} not in the final value`);
      assertDeepPartial(p[k], f[k], `${path}.${k}`);
    }
  } else assert.ok(Object.is(partial, full), `${path}: ${String(partial)} !== ${String(full)}`);
}

/**
 * Completed sub-values are shared, not copied: in each open array or object of a snapshot, at most
 * one container (the one still being filled) is not the very object found in the final value.
 */
function assertShared(partial: unknown, full: unknown, path = "$"): void {
  if (typeof partial !== "object" || partial === null || partial === full) return;
  const p = partial as Record<string, unknown>;
  const f = full as Record<string, unknown>;
  const copies = Object.keys(p).filter((k) => typeof p[k] === "object" && p[k] !== null && p[k] !== f[k]);
  assert.ok(copies.length <= 1, `${path}: ${copies.length} copied sub-values (${copies.join(", ")})`);
  if (Array.isArray(partial)) assert.ok(copies.length === 0 || copies[0] === String(partial.length - 1), `${path}: a copied element that is not the last`);
  for (const k of copies) assertShared(p[k], f[k], `${path}.${k}`);
}

/** A faithful rendering of a value (keeps -0, lone surrogates, key order), to detect any change. */
function canon(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "string") return "s" + JSON.stringify(v);
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
  return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + canon((v as Record<string, unknown>)[k])).join(",") + "}";
}

// ---------------------------------------------------------------------------------------------
// The reference model: the expected snapshot for a prefix of a valid JSON text, by a deliberately
// simple recursive reading of the whole prefix (quadratic overall, fine for tests).
const NONE = Symbol("none");
function expectedSnapshot(text: string): unknown {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const skip = () => {
    while (i < n && " \t\n\r".includes(text[i]!)) i++;
  };
  const SHORT: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  const string = (): [string, boolean] => {
    i++;
    let out = "";
    while (i < n) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return [out, true];
      }
      if (ch === "\\") {
        if (i + 1 >= n) break;
        if (text[i + 1] === "u") {
          if (i + 6 > n) break;
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          out += SHORT[text[i + 1]!];
          i += 2;
        }
      } else {
        out += ch;
        i++;
      }
    }
    i = n;
    const last = out.charCodeAt(out.length - 1);
    return [last >= 0xd800 && last <= 0xdbff ? out.slice(0, -1) : out, false];
  };
  const value = (): [unknown, boolean] => {
    skip();
    if (i >= n) return [NONE, false];
    const ch = text[i]!;
    if (ch === '"') return string();
    if (ch === "[" || ch === "{") {
      i++;
      const arr: unknown[] = [];
      const obj: Record<string, unknown> = {};
      const out = ch === "[" ? arr : obj;
      for (;;) {
        skip();
        if (i >= n) return [out, false];
        if (text[i] === "]" || text[i] === "}") {
          i++;
          return [out, true];
        }
        if (text[i] === ",") i++;
        let k = "";
        if (ch === "{") {
          skip();
          if (i >= n) return [out, false];
          const [key, complete] = string();
          if (!complete) return [out, false];
          k = key;
          skip();
          if (i >= n) return [out, false];
          i++; // ':'
        }
        const [v, complete] = value();
        if (v !== NONE) {
          if (ch === "[") arr.push(v);
          else Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
        }
        if (!complete) return [out, false];
      }
    }
    const word = ["true", "false", "null"].find((w) => w[0] === ch);
    if (word !== undefined) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return [JSON.parse(word), true];
      }
      i = n;
      return [NONE, false];
    }
    const m = /[-+.eE0-9]+/y;
    m.lastIndex = i;
    const token = m.exec(text)![0];
    i += token.length;
    // A number is complete only when something after it ends it.
    return i >= n ? [NONE, false] : [Number(token), true];
  };
  const [v] = value();
  return v === NONE ? undefined : v;
}

/** Cut positions (sorted, unique, inside the text), or one piece per code unit. */
function pieces(text: string, cuts: number[] | "each"): string[] {
  if (cuts === "each") return [...Array(text.length).keys()].map((i) => text[i]!);
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of [...at, text.length]) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  return out;
}

const cutsArb = fc.oneof(fc.constant("each" as const), fc.array(fc.nat(), { maxLength: 40 }));

test("P1 property: any value, any whitespace and escape spelling, any split: snapshots are deep-partials that never change, end() is JSON.parse", () => {
  fc.assert(
    fc.property(doc, fc.nat(), fc.constantFrom(0, 0.3, 1), fc.boolean(), cutsArb, (v, seed, spacing, bom, cuts) => {
      const text = serialise(v, seed, spacing);
      const expected = JSON.parse(text);
      const p = new PartialJsonParser();
      const kept: { snap: unknown; canon: string; fed: number }[] = [];
      let fed = 0;
      let prev: unknown = undefined;
      for (const piece of pieces(bom ? "\ufeff" + text : text, cuts)) {
        p.push(piece);
        fed += piece.length;
        const snap = p.snapshot();
        assert.equal(p.error, undefined);
        // The exact semantics: what a simple reading of the text so far says.
        assert.deepEqual(snap, expectedSnapshot((bom ? "\ufeff" + text : text).slice(0, fed)), `after ${fed} characters`);
        // A new object exactly when something visible changed.
        if (kept.length > 0) assert.equal(Object.is(snap, prev), canon(snap) === kept.at(-1)!.canon, "identity follows change");
        kept.push({ snap, canon: canon(snap), fed });
        prev = snap;
      }
      const final = p.end();
      // (c) the complete value is JSON.parse's.
      assert.deepEqual(final, expected);
      assert.equal(p.done, true);
      for (const k of kept) {
        // (b) snapshots kept from earlier pushes are unchanged by later pushes.
        assert.equal(canon(k.snap), k.canon, `snapshot after ${k.fed} characters changed later`);
        // (a) every snapshot is a deep-partial of the final value, sharing completed sub-values.
        if (k.snap !== undefined) {
          assertDeepPartial(k.snap, final);
          assertShared(k.snap, final);
        }
      }
    }),
    { numRuns: 400, includeErrorInReport: true },
  );
});

test("P2 property: any split of a text with an error gives the error JSON.parse finds, at the same position", () => {
  const corrupt = fc.tuple(doc, fc.nat(), fc.nat(), fc.constantFrom("x", "}", "]", ",", ":", '"', "\\", "\n", "-", ".", "0", "e", "\u0001", "t", "{", "[", " "));
  fc.assert(
    fc.property(corrupt, cutsArb, ([v, seed, at, ch], cuts) => {
      const good = serialise(v, seed, 0.3);
      const pos = at % (good.length + 1);
      const text = good.slice(0, pos) + ch + good.slice(pos);
      let jsonError: SyntaxError | undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        jsonError = e as SyntaxError;
      }
      const p = new PartialJsonParser();
      for (const piece of pieces(text, cuts)) p.push(piece);
      const whole = new PartialJsonParser();
      whole.push(text);
      if (jsonError === undefined) {
        assert.deepEqual(p.end(), parsed);
        return;
      }
      assert.throws(() => p.end(), SyntaxError);
      assert.throws(() => whole.end(), SyntaxError);
      // Wherever the text was cut, the same position.
      assert.equal(p.error!.position, whole.error!.position);
      // And the position JSON.parse reports, when it reports one (V8: "... at position N" or "line/column").
      const m = /position (\d+)/.exec(jsonError.message);
      if (m !== null) assert.equal(p.error!.position, Number(m[1]), `${JSON.stringify(text)}: ${p.error!.message} vs ${jsonError.message}`);
    }),
    { numRuns: 400, includeErrorInReport: true },
  );
});
