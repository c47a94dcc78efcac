import { test } from "node:test";
import assert from "node:assert/strict";
import { PartialJsonParser, PartialJsonSyntaxError } from "../src/structured/partial-json.js";

/** Feeds `pieces` one by one; returns the snapshot after each push and the parser. */
function feed(pieces: string[], options?: ConstructorParameters<typeof PartialJsonParser>[0]) {
  const p = new PartialJsonParser(options);
  const snaps: unknown[] = [];
  for (const piece of pieces) {
    p.push(piece);
    snaps.push(p.snapshot());
  }
  return { p, snaps };
}

/** The text one character (UTF-16 code unit) per push. */
const chars = (text: string) => [...Array(text.length).keys()].map((i) => text[i]!);

/** Every way to cut `text` in two, and one code unit per push: all give JSON.parse's value. */
function parsesLikeJson(text: string, expected: unknown = JSON.parse(text)) {
  for (let i = 0; i <= text.length; i++) {
    const { p } = feed([text.slice(0, i), text.slice(i)]);
    assert.deepEqual(p.end(), expected, `cut at ${i} of ${JSON.stringify(text)}`);
  }
  const { p } = feed(chars(text));
  assert.deepEqual(p.end(), expected, `one char per push: ${JSON.stringify(text)}`);
}

function endError(text: string | string[], options?: ConstructorParameters<typeof PartialJsonParser>[0]): PartialJsonSyntaxError {
  const { p } = feed(typeof text === "string" ? [text] : text, options);
  let caught: unknown;
  try {
    p.end();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PartialJsonSyntaxError, `expected a syntax error for ${JSON.stringify(text)}, got ${String(caught)}`);
  assert.ok(caught instanceof SyntaxError);
  return caught;
}

test("every JSON construct, whole and cut at every position", () => {
  for (const text of [
    "{}",
    "[]",
    '""',
    "0",
    "true",
    "false",
    "null",
    '{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":[],"g":{},"h":""}',
    '[[[[1]]],[[]],{"x":[{}]}]',
    '[1,"two",3.5,{"four":4},[5],null,true,false]',
  ])
    parsesLikeJson(text);
});

test("escapes: \\n \\\" \\\\ \\/ \\b \\f \\r \\t, \\u00e9, surrogate pairs, lone surrogates", () => {
  parsesLikeJson('"a\\nb\\"c\\\\d\\/e\\bf\\fg\\rh\\ti"', 'a\nb"c\\d/e\bf\fg\rh\ti');
  parsesLikeJson('"caf\\u00e9 \\u00E9"', "café é");
  parsesLikeJson('"\\ud83d\\ude00!"', "😀!");
  parsesLikeJson('"raw 😀 pair"', "raw 😀 pair");
  parsesLikeJson('"lone \\ud800 high, lone \\udc00 low, end \\ud83d"', "lone \ud800 high, lone \udc00 low, end \ud83d");
  parsesLikeJson('{"k\\u0065y\\n":"v"}', { "key\n": "v" });
  parsesLikeJson('"\\\\u0041"', "\\u0041");
});

test("numbers: -0, 1e-7, 12.50, exponents, long and extreme ones", () => {
  const { p } = feed(["-0"]);
  assert.ok(Object.is(p.end(), -0), "-0 stays negative zero");
  assert.ok(Object.is((feed(["[-0.0]"]).p.end() as number[])[0], -0));
  for (const t of ["1e-7", "12.50", "0", "-1", "1E5", "1e+5", "2.5E-3", "0.1", "0.30000000000000004", "123456789012345678901234567890", "1.7976931348623157e308", "5e-324", "1e400", "-1e400", "0.000001234", "9007199254740993", "1234567890.0987654321", "1e22", "1e23", "4.35", "0e10"])
    parsesLikeJson(`[${t}, ${t}]`);
  parsesLikeJson("12.50", 12.5);
  parsesLikeJson("1e-7", 1e-7);
});

test("whitespace everywhere, and a byte order mark first", () => {
  parsesLikeJson(' \t\r\n{ "a" : [ 1 , 2 ] , "b" :\n"c"\t} \n\r\t ', { a: [1, 2], b: "c" });
  assert.deepEqual(feed(["\ufeff", ' {"a":1}']).p.end(), { a: 1 });
  assert.deepEqual(feed(chars('\ufeff[1, "x"]')).p.end(), [1, "x"]);
  // Only as the very first character.
  assert.equal(endError(" \ufeff1").position, 1);
  assert.equal(endError(['"a"', "\ufeff"]).position, 3);
});

test("__proto__ is an own key, as JSON.parse makes it, and never the prototype", () => {
  const text = '{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}';
  const { p, snaps } = feed(chars(text));
  const v = p.end() as Record<string, unknown>;
  assert.deepEqual(v, JSON.parse(text));
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.ok(Object.hasOwn(v, "__proto__"));
  assert.equal((v as { polluted?: boolean }).polluted, undefined);
  for (const s of snaps) if (s !== undefined) assert.equal(Object.getPrototypeOf(s), Object.prototype);
  assert.ok(snaps.some((s) => s !== undefined && Object.hasOwn(s as object, "__proto__")));
});

test("snapshots during a string: decoded prefix, never half an escape or a lone high surrogate", () => {
  const { snaps } = feed(['{"s": "ab', "c\\", "n", "d\\u00", "e9", "\\ud83d", "\\ude00", 'x"', "}"]);
  assert.deepEqual(snaps, [{ s: "ab" }, { s: "abc" }, { s: "abc\n" }, { s: "abc\nd" }, { s: "abc\ndé" }, { s: "abc\ndé" }, { s: "abc\ndé😀" }, { s: "abc\ndé😀x" }, { s: "abc\ndé😀x" }]);
  // A raw pair cut between pushes.
  const raw = feed(['["a\ud83d', '\ude00b"]']).snaps;
  assert.deepEqual(raw, [["a"], ["a😀b"]]);
  // A key appears once its value begins; a key in progress never shows.
  assert.deepEqual(feed(['{"ke', 'y"', ":", ' "', "v"]).snaps, [{}, {}, {}, { key: "" }, { key: "v" }]);
  // A top-level string.
  assert.deepEqual(feed(['"', "ab", '\\"', '"']).snaps, ["", "ab", 'ab"', 'ab"']);
});

test("snapshots during a number or a literal: they appear only once complete", () => {
  assert.deepEqual(feed(["[1", "2", ".", "5", "0", ",", "-", "0", "]"]).snaps, [[], [], [], [], [], [12.5], [12.5], [12.5], [12.5, -0]]);
  assert.deepEqual(feed(['{"n": 1', "e", "-7", " "]).snaps, [{}, {}, {}, { n: 1e-7 }]);
  assert.deepEqual(feed(["[t", "ru", "e", ",f", "alse, n", "ul", "l]"]).snaps, [[], [], [true], [true], [true, false], [true, false], [true, false, null]]);
  // A top-level number is complete when something ends it, or at end().
  const top = feed(["4", "2"]);
  assert.equal(top.snaps[1], undefined);
  assert.equal(top.p.done, false);
  assert.equal(top.p.end(), 42);
  assert.equal(top.p.done, true);
  const spaced = feed(["4", "2 "]);
  assert.deepEqual(spaced.snaps, [undefined, 42]);
  assert.equal(spaced.p.done, true);
  const lit = feed(["nu", "ll"]);
  assert.deepEqual(lit.snaps, [undefined, null]);
  assert.equal(lit.p.done, true);
});

test("snapshots: containers appear when opened; undefined before the value starts", () => {
  const { snaps, p } = feed(["  ", "[", "{", '"a":', "[", "]", "}", ",", "{}", "]"]);
  assert.deepEqual(snaps, [undefined, [], [{}], [{}], [{ a: [] }], [{ a: [] }], [{ a: [] }], [{ a: [] }], [{ a: [] }, {}], [{ a: [] }, {}]]);
  assert.equal(p.done, true);
});

test("a snapshot is a new object only when something visible changed, and old ones never change", () => {
  const p = new PartialJsonParser();
  p.push('{"a": [1, {"b": "x');
  const s1 = p.snapshot() as any;
  assert.equal(p.snapshot(), s1, "no push: same snapshot");
  p.push('"  ');
  assert.equal(p.snapshot(), s1, "the closing quote of a string already shown: same snapshot");
  p.push(', "c": 1');
  assert.equal(p.snapshot(), s1, "a key and a number still open: same snapshot");
  p.push("}, 2");
  const s2 = p.snapshot() as any;
  assert.notEqual(s2, s1);
  p.push(", 3");
  const s2b = p.snapshot() as any;
  assert.notEqual(s2b, s2, "the 2 ended by the comma");
  p.push("]");
  const s3 = p.snapshot() as any;
  assert.notEqual(s3, s2);
  p.push(', "d": {"e": "f"}}');
  const final = p.end() as any;
  // Completed sub-values are one object, shared by every later snapshot and the final value.
  assert.equal(s2.a[1], final.a[1]);
  assert.equal(s3.a, final.a);
  assert.equal(p.snapshot(), p.snapshot());
  // Nothing handed out was changed by later pushes.
  assert.deepEqual(s1, { a: [1, { b: "x" }] });
  assert.deepEqual(s2, { a: [1, { b: "x", c: 1 }] });
  assert.deepEqual(s2b, { a: [1, { b: "x", c: 1 }, 2] });
  assert.deepEqual(s3, { a: [1, { b: "x", c: 1 }, 2, 3] });
  assert.deepEqual(final, { a: [1, { b: "x", c: 1 }, 2, 3], d: { e: "f" } });
});

test("completed elements of an open array are shared, not copied", () => {
  const p = new PartialJsonParser();
  p.push('[{"i":0},{"i":1},{"i"');
  const s1 = p.snapshot() as object[];
  p.push(':2},{"i":3}');
  const s2 = p.snapshot() as object[];
  p.push("]");
  const final = p.end() as object[];
  assert.equal(s1.length, 3);
  assert.equal(s1[0], final[0]);
  assert.equal(s1[1], final[1]);
  assert.notEqual(s1[2], final[2], "the open object is a copy");
  assert.deepEqual(s1[2], {});
  assert.equal(s2[2], final[2]);
  assert.equal(s2[3], final[3]);
});

test("done: true once the top-level value is complete", () => {
  const p = new PartialJsonParser();
  assert.equal(p.done, false);
  p.push('{"a": [1');
  assert.equal(p.done, false);
  p.push("]}");
  assert.equal(p.done, true);
  p.push(" \n");
  assert.equal(p.done, true);
  assert.deepEqual(p.end(), { a: [1] });
  assert.deepEqual(p.end(), { a: [1] }, "end() again returns the value again");
  assert.throws(() => p.push("x"), /after end/);
});

test("errors at end() with the position of the problem", () => {
  const cases: [string | string[], number, RegExp][] = [
    ["", 0, /end of JSON input/],
    ["   ", 3, /end of JSON input/],
    ['{"a": 1', 7, /end of JSON input/],
    ['"abc', 4, /end of JSON input/],
    ['"ab\\', 4, /end of JSON input/],
    ["[1,", 3, /end of JSON input/],
    ["tru", 3, /end of JSON input/],
    ["-", 1, /No number after minus/],
    ["1.", 2, /fractional/],
    ["1e", 2, /Exponent/],
    ["1e+", 3, /Exponent/],
    ["[1.]", 3, /fractional/],
    ["[-x]", 2, /No number after minus/],
    ["[1e]", 3, /Exponent/],
    ["01", 1, /Unexpected number/],
    [["0", "1"], 1, /Unexpected number/],
    ["[-012]", 3, /Unexpected number/],
    ["1-", 1, /after JSON/],
    [["1", "-"], 1, /Unexpected token "-"/],
    [["1", "2", ".", "x"], 3, /fractional/],
    ["[+1]", 1, /Unexpected token "\+"/],
    ["[.5]", 1, /Unexpected token "\."/],
    ["{]", 1, /Unexpected token "]"/],
    ["[}", 1, /Unexpected token "}"/],
    ['{"a":1]', 6, /Unexpected token "]"/],
    ['{"a" 1}', 5, /Unexpected token "1"/],
    ['{"a":1,}', 7, /Unexpected token "}"/],
    ["[1,]", 3, /Unexpected token "]"/],
    ["[1 2]", 3, /Unexpected token "2"/],
    ["{a:1}", 1, /Unexpected token "a"/],
    ["[trux]", 4, /Unexpected token "x"/],
    [["[tr", "ux]"], 4, /Unexpected token "x"/],
    ["nul", 3, /end of JSON input/],
    ["[NaN]", 1, /Unexpected token "N"/],
    ['"a\\x"', 3, /Bad escaped character/],
    [['"a\\', 'x"'], 3, /Bad escaped character/],
    ['"\\u12g4"', 5, /Bad Unicode escape/],
    [['"\\u1', '2g4"'], 5, /Bad Unicode escape/],
    ['"a\nb"', 2, /Bad control character/],
    ['"a\u0000"', 2, /Bad control character/],
    [["[1]", " x"], 4, /after JSON/],
    ['{"a":1} {"b":2}', 8, /after JSON/],
    ["1 2", 2, /after JSON/],
    ["'a'", 0, /Unexpected token "'"/],
  ];
  for (const [text, position, message] of cases) {
    const e = endError(text);
    assert.equal(e.position, position, `position for ${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, message, JSON.stringify(text));
    assert.match(e.message, new RegExp(`at position ${position}$`));
    // JSON.parse agrees that it is not JSON.
    assert.throws(() => JSON.parse(typeof text === "string" ? text : text.join("")), SyntaxError);
  }
});

test("a syntax error stops the parser: error is set at once, the snapshot stays, end() throws", () => {
  const p = new PartialJsonParser();
  p.push('{"a": [1, 2');
  assert.equal(p.error, undefined);
  p.push("}, 3]");
  const err = (p as PartialJsonParser).error; // (not narrowed to undefined by the assert above)
  assert.ok(err instanceof PartialJsonSyntaxError);
  assert.equal(err.position, 11);
  assert.deepEqual(p.snapshot(), { a: [1, 2] });
  p.push('"more"');
  assert.deepEqual(p.snapshot(), { a: [1, 2] });
  assert.throws(() => p.end(), (e: unknown) => e === p.error);
  assert.throws(() => p.end(), (e: unknown) => e === p.error);
});

test('trailing text: an error by default, ignored with { trailing: "ignore" }', () => {
  const text = '{"a": [1]}\nHope this helps! {"b": 2}';
  assert.equal(endError(text).position, 11);
  const { p, snaps } = feed(chars(text), { trailing: "ignore" });
  assert.deepEqual(p.end(), { a: [1] });
  assert.equal(p.error, undefined);
  assert.deepEqual(snaps.at(-1), { a: [1] });
  // A top-level number is ended by the first character that cannot continue it.
  assert.equal(feed(["12", "3abc"], { trailing: "ignore" }).p.end(), 123);
  // Only garbage after a complete value is ignored.
  assert.equal(endError("[1 x", { trailing: "ignore" }).position, 3);
});

test("deep nesting needs no recursion (100 000 levels)", () => {
  const depth = 100_000;
  const text = "[".repeat(depth) + '"x"' + "]".repeat(depth);
  const p = new PartialJsonParser();
  p.push(text.slice(0, depth + 2));
  let s = p.snapshot();
  for (let i = 0; i < depth; i++) s = (s as unknown[])[0];
  assert.equal(s, "x");
  p.push(text.slice(depth + 2));
  let v = p.end();
  for (let i = 0; i < depth; i++) {
    assert.equal((v as unknown[]).length, 1);
    v = (v as unknown[])[0];
  }
  assert.equal(v, "x");
});

test("linear: tokens cut into tiny pieces are never re-read (a quadratic parser would take minutes here)", () => {
  const long = "é😀\\n\\u00e9abc".repeat(40_000); // 0.5 M characters of string with escapes
  const digits = "7".repeat(100_000);
  const text = `{"${"k".repeat(100_000)}": ["${long}", ${digits}, ${" ".repeat(100_000)} true]}`;
  const start = performance.now();
  const p = new PartialJsonParser();
  for (let i = 0; i < text.length; i += 2) {
    p.push(text.slice(i, i + 2));
    p.snapshot();
  }
  const v = p.end() as Record<string, unknown[]>;
  const ms = performance.now() - start;
  const arr = v["k".repeat(100_000)]!;
  assert.equal(arr.length, 3);
  assert.equal(arr[0], JSON.parse(`"${long}"`));
  assert.equal(arr[1], Number(digits));
  assert.equal(arr[2], true);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test("keys: every short key over a small alphabet (a cache of recent keys must never mix them up)", () => {
  // "a3" and "" share a slot of the key cache; so do many of these.
  const keys = [""];
  for (let len = 1; len <= 3; len++) for (let i = 0; i < 4 ** len; i++) keys.push([...Array(len).keys()].map((k) => "a3b\u00e9"[Math.floor(i / 4 ** k) % 4]).join(""));
  const obj: Record<string, number> = {};
  keys.forEach((k, i) => (obj[k] = i));
  const text = JSON.stringify(obj);
  for (const size of [1, 7, text.length]) {
    const p = new PartialJsonParser();
    for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
    assert.deepEqual(p.end(), obj);
  }
  // Objects whose keys come in a different order each time, and colliding keys one after the other.
  const text2 = JSON.stringify([...keys.map((k, i) => ({ [k]: i, [keys[(i * 7) % keys.length]!]: -i })), { a3: 1, "": 2 }, { "": 3, a3: 4, a: 5 }]);
  for (const size of [5, 60]) {
    const p = new PartialJsonParser();
    for (let i = 0; i < text2.length; i += size) p.push(text2.slice(i, i + size));
    assert.deepEqual(p.end(), JSON.parse(text2));
  }
});

test("long strings with escapes, whole in a piece or cut anywhere: decoded exactly, errors found where they are", () => {
  const long = 'Line one.\nShe said "hi" \\ back/slash\ttab é \u2028 😀 \ud83d '.repeat(12) + "end \ud83d";
  const texts = [JSON.stringify(long), JSON.stringify([long, { k: long, n: 1 }, long.slice(0, 250)]), JSON.stringify(long).replaceAll("é", "\\u00e9").replaceAll("/", "\\/")];
  for (const text of texts) {
    const expected = JSON.parse(text);
    // Without the last character, the root container does not close in the piece: read token by token.
    for (const pieces of [[text], [text.slice(0, -1), text.slice(-1)], [text.slice(0, 301), text.slice(301, 700), text.slice(700)]]) {
      const p = new PartialJsonParser();
      for (const piece of pieces) p.push(piece);
      assert.deepEqual(p.end(), expected, `pieces of ${pieces.map((x) => x.length)}`);
    }
    for (const size of [1, 7, 250]) {
      const p = new PartialJsonParser();
      let prev = "";
      for (let i = 0; i < text.length; i += size) {
        p.push(text.slice(i, i + size));
        const s = p.snapshot();
        const str = typeof s === "string" ? s : Array.isArray(s) ? s[0] : undefined;
        if (typeof str === "string") {
          assert.ok(str.startsWith(prev) && long.startsWith(str), `snapshot at ${i} is a growing prefix`);
          prev = str;
        }
      }
      assert.deepEqual(p.end(), expected);
    }
  }
  // A raw control character or a bad escape deep inside a long run with escapes.
  const body = JSON.stringify(long).slice(1, -1);
  for (const [bad, message] of [["\u0001", /Bad control character/], ["\\x", /Bad escaped character/], ["\\u12z4", /Bad Unicode escape/]] as const) {
    const text = `["${body.slice(0, 300)}${bad}${body.slice(300)}"`;
    const at = 2 + 300 + (bad === "\\u12z4" ? 4 : bad === "\\x" ? 1 : 0);
    for (const pieces of [[text], [text.slice(0, 150), text.slice(150)]]) {
      const e = endError(pieces);
      assert.match(e.message, message);
      assert.equal(e.position, at, `${JSON.stringify(bad)}: ${e.message}`);
    }
  }
});
