/**
 * Incremental JSON parser for structured output streamed by a model: feed the text as it arrives
 * (`push`), read the deep-partial value so far (`snapshot`), and get the complete value at the end
 * (`end`).
 *
 * Deep-partial semantics:
 * - an object holds the keys whose value has begun (a key whose value has not begun is absent);
 * - an array holds the elements begun so far;
 * - a string appears as its decoded prefix: never half an escape, never a trailing lone high
 *   surrogate (it waits for its pair, whether escaped `\ud83d\ude00` or raw and cut between pushes);
 * - numbers, `true`, `false` and `null` appear only once complete; a number is complete when a
 *   character after it ends it (`,` `]` `}` or whitespace), or at `end()`. So `{"n": 12` shows `{}`.
 *
 * Costs: linear in the text, whatever the split: a token cut by the end of a push (a string, an
 * escape, a number, a literal) carries on from where it stopped, and nothing consumed is read again
 * (a bounded look-ahead aside). String contents are not read character by character: a tight loop
 * covers the start of a string, indexOf finds the end of a long one, and the run is taken as one
 * slice, or the slices between its escapes (control characters being looked for by a regular
 * expression), or, for a long run with escapes, decoded by one JSON.parse. A container (64 characters or more) that opens and closes within one push is read by
 * a single JSON.parse of its text; only values cut by the end of a push are built token by token.
 * A string cut across pushes is a rope while it grows (each snapshot shares it) and is flattened
 * once when it ends. Strings of 13 or more characters may be slices of the pushed text, which then
 * stays in memory as long as they do (no more than the text itself).
 *
 * Snapshots: only the containers still open (the path from the root to the value being filled) are
 * new objects in each snapshot; every completed sub-value is shared between snapshots and with the
 * final value, and the parser never mutates anything it has handed out. Snapshots are not frozen:
 * callers must not mutate them either. A snapshot costs a shallow copy of each open container, so
 * an open array of n elements costs O(n) per snapshot (a native copy, about 0.3 ns an element while
 * it stays under 16k elements), an open object of k keys O(k); `snapshot()` returns the same object
 * as before when nothing visible changed, and does nothing until called.
 *
 * Leading whitespace and a byte order mark (U+FEFF as the very first character) are allowed. After
 * the first complete value, by default only whitespace may follow, as for `JSON.parse` (anything
 * else is an error reported by `end()`); with `{ trailing: "ignore" }` the parser stops at the end of
 * the first complete value and ignores whatever follows.
 *
 * Syntax errors do not throw from `push`: the parser stops reading at the first error (the snapshot
 * stays at the last valid state), `error` holds it, and `end()` throws it. Raw control characters
 * (U+0000 to U+001F) inside strings are errors, as for `JSON.parse`.
 *
 * No dependencies and nothing platform-specific: runs wherever `fetch` runs.
 */

/** A syntax error in the JSON text; `position` counts UTF-16 code units from the start of the text. */
export class PartialJsonSyntaxError extends SyntaxError {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = "SyntaxError";
    this.position = position;
  }
}

export interface PartialJsonOptions {
  /**
   * What may follow the first complete value. `"error"` (the default): only whitespace, as for
   * `JSON.parse`; anything else makes `end()` throw. `"ignore"`: reading stops at the end of the
   * first complete value and the rest of the text is ignored.
   */
  trailing?: "error" | "ignore";
}

type Obj = Record<string, unknown>;
type Container = unknown[] | Obj;

// Parser modes.
const VALUE = 0; // expecting a value: at the start, after ':' or after ',' in an array
const VALUE_OR_CLOSE = 1; // after '['
const KEY_OR_CLOSE = 2; // after '{'
const KEY = 3; // after ',' in an object
const COLON = 4; // after a key
const AFTER = 5; // after a value inside a container: ',' or the closing bracket
const STRING = 6; // inside a string value
const KEY_STRING = 7; // inside a key
const NUMBER = 8; // inside a number cut by the end of a push
const LITERAL = 9; // inside true/false/null cut by the end of a push
const DONE = 10; // the top-level value is complete

/** 10^0 .. 10^22: exactly representable doubles (Clinger's fast path). */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Recent keys by a hash of their length and ends (shared: strings are immutable). */
const KEYS: string[] = new Array<string>(256).fill("");

/** The shortest run of string with escapes decoded by JSON.parse rather than slice by slice. */
const LONG_RUN = 200;
/** The shortest container worth a JSON.parse call of its own. */
const MIN_SPAN = 64;
const NOT_PARSED: unknown = Symbol("not parsed");
/** Finds control characters (not allowed raw in strings). */
const CONTROL = /[\u0000-\u001f]/g;

const LITERALS = ["true", "false", "null"] as const;
const LITERAL_VALUES = [true, false, null] as const;

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Characters that may continue a number (used to gather a number cut between pushes). */
function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;
}

/** s.indexOf(ch, from), or `end` when absent. */
function indexOrEnd(s: string, ch: string, from: number, end: number): number {
  const i = s.indexOf(ch, from);
  return i < 0 ? end : i;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** `obj[key] = value`, except that `__proto__` becomes an own property (as `JSON.parse` does). */
function setKey(obj: Obj, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

function describe(c: string): string {
  return c === "" ? "end of JSON input" : `token ${JSON.stringify(c)}`;
}

export class PartialJsonParser {
  private mode = VALUE;
  /** Characters pushed before the current piece (positions in errors). */
  private offset = 0;
  /** The open containers below the innermost one, and the key each is filling (objects). */
  private readonly stack: Container[] = [];
  private readonly keys: string[] = [];
  /** The innermost open container (undefined at the top level); only completed values are in it. */
  private cur: Container | undefined = undefined;
  /** Where the innermost open container starts in the whole text, and those of the others. */
  private curStart = 0;
  private readonly starts: number[] = [];
  /** By depth: the size of the last container closed there (to guess whether the next fits a piece). */
  private readonly sizes: number[] = [];
  /**
   * For open objects that have been in a snapshot: their entries (key, value, key, value...) in
   * order, to copy them fast. The innermost one's, and the others' (undefined for arrays).
   */
  private curList: unknown[] | undefined = undefined;
  private readonly lists: (unknown[] | undefined)[] = [];
  /** The key the innermost open object is filling. */
  private key = "";
  private root: unknown = undefined;
  /** The string being read: its visible decoded prefix, and a held-back trailing high surrogate. */
  private str = "";
  private strHi = "";
  /** An escape cut by the end of a push (`\`, `\u12`...), empty when none. */
  private esc = "";
  /** A number cut by the end of a push: its text so far and the position of its first character. */
  private numText = "";
  private numStart = 0;
  /** The value of the number just parsed by `num`. */
  private numValue = 0;
  /** A literal cut by the end of a push: which one, and how many characters matched. */
  private lit = 0;
  private litMatched = 0;
  /** Within the current piece: the next '"', '\\' and control character at or after some earlier point (-1: unknown). */
  private bsAt = -1;
  private ctlAt = -1;
  /** Within the current piece: where attempts to read a whole container at once may start again. */
  private spanFrom = 0;
  private changed = false;
  private last: unknown = undefined;
  private err: PartialJsonSyntaxError | undefined = undefined;
  private ended = false;
  private readonly ignoreTrailing: boolean;

  constructor(options: PartialJsonOptions = {}) {
    this.ignoreTrailing = options.trailing === "ignore";
  }

  /** True once a complete top-level value has been read. */
  get done(): boolean {
    return this.mode === DONE;
  }

  /** The first syntax error met, if any (then `end()` throws it and the snapshot stays where it was). */
  get error(): PartialJsonSyntaxError | undefined {
    return this.err;
  }

  /** Feed the next piece of the text (split anywhere). Never throws for bad JSON: see `error`. */
  push(text: string): void {
    if (this.ended) throw new Error("PartialJsonParser: push() after end()");
    if (this.err === undefined && !(this.mode === DONE && this.ignoreTrailing) && text.length > 0) this.read(text);
    this.offset += text.length;
  }

  /**
   * The deep-partial value so far (undefined before the value starts). A new object when something
   * visible changed since the last call, else the same one.
   */
  snapshot(): unknown {
    if (!this.changed) return this.last;
    this.changed = false;
    let v: unknown;
    let has = false;
    if (this.mode === STRING) {
      v = this.str;
      has = true;
    }
    let c = this.cur;
    if (c === undefined) return (this.last = has ? v : this.root);
    let key = this.key;
    let i = this.stack.length;
    for (;;) {
      let copy: Container;
      if (Array.isArray(c)) {
        // One allocation of the exact size (slice then push would grow it: a second copy).
        copy = has ? c.concat([v]) : c.slice();
      } else {
        // Property by property from the object's entry list (made at its first snapshot, then
        // kept up to date by put/close): several times faster than a spread or Object.keys here.
        let list = i === this.stack.length ? this.curList : this.lists[i];
        if (list === undefined) {
          list = [];
          for (const k of Object.keys(c)) list.push(k, c[k]);
          if (i === this.stack.length) this.curList = list;
          else this.lists[i] = list;
        }
        copy = {};
        for (let k = 0; k < list.length; k += 2) setKey(copy, list[k] as string, list[k + 1]);
        if (has) setKey(copy, key, v);
      }
      v = copy;
      has = true;
      if (i === 0) break;
      i--;
      c = this.stack[i]!;
      key = this.keys[i]!;
    }
    return (this.last = v);
  }

  /**
   * The input ended: returns the complete value. Throws a `PartialJsonSyntaxError` (a SyntaxError
   * with `position`) when the text is not one complete JSON value.
   */
  end(): unknown {
    if (!this.ended) {
      this.ended = true;
      if (this.err === undefined && this.mode === NUMBER) this.finishNumber();
      if (this.err === undefined && this.mode !== DONE) this.fail("Unexpected end of JSON input", this.offset);
    }
    if (this.err !== undefined) throw this.err;
    return this.root;
  }

  private fail(message: string, position: number): void {
    if (this.err === undefined) this.err = new PartialJsonSyntaxError(message, position);
  }

  private unexpected(s: string, p: number): void {
    this.fail(`Unexpected ${describe(s.charAt(p))}`, this.offset + p);
  }

  /** A complete value: into the open container, or it is the top-level value. */
  private put(v: unknown): void {
    const c = this.cur;
    this.changed = true;
    if (c === undefined) {
      this.root = v;
      this.mode = DONE;
    } else {
      if (Array.isArray(c)) c.push(v);
      else {
        setKey(c, this.key, v);
        if (this.curList !== undefined) this.curList.push(this.key, v);
      }
      this.mode = AFTER;
    }
  }

  /** Opens a container whose bracket is at position `at` of the whole text. */
  private open(c: Container, mode: number, at: number): void {
    if (this.cur !== undefined) {
      this.stack.push(this.cur);
      this.keys.push(this.key);
      this.starts.push(this.curStart);
      this.lists.push(this.curList);
      this.curList = undefined;
    }
    this.cur = c;
    this.curStart = at;
    this.mode = mode;
    this.changed = true;
  }

  /** Closes the innermost container, whose closing bracket is at position `at` of the whole text. */
  private close(at: number): void {
    let c = this.cur!;
    // A short array built by push has room for 16 or more elements: keep an exact-size copy instead
    // (the value lives on; JSON.parse's arrays are exact too). Snapshots never hold open containers.
    if (Array.isArray(c) && c.length < 16) c = c.slice();
    this.sizes[this.stack.length] = at + 1 - this.curStart;
    if (this.stack.length === 0) {
      this.cur = undefined;
      this.root = c;
      this.mode = DONE;
    } else {
      const parent = this.stack.pop()!;
      this.key = this.keys.pop()!;
      this.curStart = this.starts.pop()!;
      this.curList = this.lists.pop();
      this.cur = parent;
      if (Array.isArray(parent)) parent.push(c);
      else {
        setKey(parent, this.key, c);
        if (this.curList !== undefined) this.curList.push(this.key, c);
      }
      this.mode = AFTER;
    }
  }

  private read(s: string): void {
    const n = s.length;
    let p = 0;
    this.bsAt = this.ctlAt = -1;
    this.spanFrom = 0;
    while (p < n && this.err === undefined) {
      switch (this.mode) {
        case VALUE:
        case VALUE_OR_CLOSE: {
          let c = s.charCodeAt(p);
          while (c === 32 || c === 10 || c === 13 || c === 9) {
            if (++p === n) return;
            c = s.charCodeAt(p);
          }
          if (c === 34) {
            // A string value: it is visible (as "") from its opening quote.
            this.mode = STRING;
            this.str = "";
            this.strHi = "";
            this.changed = true;
            p = this.readString(s, p + 1, n, true);
          } else if (c === 123 || c === 91) {
            // A container complete within this piece is read at once by JSON.parse; else one
            // token at a time, so that snapshots can show it partially.
            const depth = this.cur === undefined ? 0 : this.stack.length + 1;
            const e = p < this.spanFrom || n - p < MIN_SPAN || n - p < (this.sizes[depth] ?? 0) ? -1 : this.span(s, p, n);
            let v: unknown = NOT_PARSED;
            if (e > 0) {
              try {
                v = JSON.parse(s.slice(p, e));
              } catch {
                this.spanFrom = n; // not JSON: read it token by token, to report where
              }
            }
            if (v !== NOT_PARSED) {
              this.sizes[depth] = e - p;
              this.put(v);
              p = e;
            } else {
              if (c === 123) this.open({}, KEY_OR_CLOSE, this.offset + p);
              else this.open([], VALUE_OR_CLOSE, this.offset + p);
              p++;
            }
          } else if ((c >= 48 && c <= 57) || c === 45) {
            const r = this.num(s, p, n, false, this.offset);
            if (r === -1) {
              this.numText = s.slice(p);
              this.numStart = this.offset + p;
              this.mode = NUMBER;
              return;
            }
            if (r < 0) return;
            this.put(this.numValue);
            p = r;
          } else if (c === 116 || c === 102 || c === 110) {
            const which = c === 116 ? 0 : c === 102 ? 1 : 2;
            p = this.literal(s, p, n, which, 1);
          } else if (c === 93 && this.mode === VALUE_OR_CLOSE) {
            this.close(this.offset + p);
            p++;
          } else if (c === 0xfeff && this.offset + p === 0) {
            p++; // a byte order mark as the very first character
          } else {
            return this.unexpected(s, p);
          }
          break;
        }
        case AFTER: {
          let c = s.charCodeAt(p);
          while (c === 32 || c === 10 || c === 13 || c === 9) {
            if (++p === n) return;
            c = s.charCodeAt(p);
          }
          if (c === 44) this.mode = Array.isArray(this.cur) ? VALUE : KEY;
          else if (c === (Array.isArray(this.cur) ? 93 : 125)) this.close(this.offset + p);
          else return this.unexpected(s, p);
          p++;
          break;
        }
        case KEY_OR_CLOSE:
        case KEY: {
          let c = s.charCodeAt(p);
          while (c === 32 || c === 10 || c === 13 || c === 9) {
            if (++p === n) return;
            c = s.charCodeAt(p);
          }
          if (c === 34) {
            this.mode = KEY_STRING;
            this.str = "";
            this.strHi = "";
            p = this.readString(s, p + 1, n, true);
          } else if (c === 125 && this.mode === KEY_OR_CLOSE) {
            this.close(this.offset + p);
            p++;
          } else {
            return this.unexpected(s, p);
          }
          break;
        }
        case COLON: {
          let c = s.charCodeAt(p);
          while (c === 32 || c === 10 || c === 13 || c === 9) {
            if (++p === n) return;
            c = s.charCodeAt(p);
          }
          if (c !== 58) return this.unexpected(s, p);
          this.mode = VALUE;
          p++;
          break;
        }
        case STRING:
        case KEY_STRING:
          if (this.esc !== "") {
            p = this.resumeEscape(s, p, n);
            if (p === n) return;
          }
          p = this.readString(s, p, n, false);
          break;
        case NUMBER: {
          let k = p;
          while (k < n && isNumberChar(s.charCodeAt(k))) k++;
          this.numText += s.slice(p, k);
          if (k === n) return;
          this.finishNumber();
          p = k;
          break;
        }
        case LITERAL:
          p = this.literal(s, p - this.litMatched, n, this.lit, this.litMatched);
          break;
        case DONE: {
          if (this.ignoreTrailing) return;
          let c = s.charCodeAt(p);
          while (c === 32 || c === 10 || c === 13 || c === 9) {
            if (++p === n) return;
            c = s.charCodeAt(p);
          }
          return this.fail("Unexpected non-whitespace character after JSON", this.offset + p);
        }
      }
    }
  }

  /**
   * The end (index after the closing bracket) of the container opening at `p`, when it closes
   * within this piece and is long enough; else -1, and no more attempts in this piece (or in the
   * container), so that each character is scanned at most once by attempts that fail.
   */
  private span(s: string, p: number, n: number): number {
    let depth = 0;
    let i = p;
    while (i < n) {
      const c = s.charCodeAt(i++);
      if (c === 34) {
        // Skip the string: a tight loop for short ones, indexOf for long ones.
        const lim = i + 16 < n ? i + 16 : n;
        let d = 0;
        while (i < lim && (d = s.charCodeAt(i)) !== 34) i += d === 92 ? 2 : 1;
        if (i >= lim) {
          for (;;) {
            i = s.indexOf('"', i);
            if (i < 0) break;
            let k = i - 1;
            while (s.charCodeAt(k) === 92) k--;
            if ((i - k) % 2 === 1) break; // an even number of backslashes before it: the end
            i++;
          }
          if (i < 0) break;
        }
        i++;
      } else if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) {
        if (i - p >= MIN_SPAN) return i;
        // Too short for a JSON.parse call to pay (about 100 ns each): token by token, with no
        // more attempts inside it.
        this.spanFrom = i;
        return -1;
      }
    }
    this.spanFrom = n;
    return -1;
  }

  /**
   * true/false/null whose first `matched` characters were read, the literal starting at `p` (which
   * may be negative when it began in an earlier push). Returns where reading goes on.
   */
  private literal(s: string, p: number, n: number, which: number, matched: number): number {
    const word = LITERALS[which]!;
    const len = word.length;
    let i = matched;
    while (i < len && p + i < n) {
      if (s.charCodeAt(p + i) !== word.charCodeAt(i)) {
        this.unexpected(s, p + i);
        return n;
      }
      i++;
    }
    if (i === len) {
      this.put(LITERAL_VALUES[which]);
      return p + len;
    }
    this.mode = LITERAL;
    this.lit = which;
    this.litMatched = i;
    return n;
  }

  /**
   * Reads string contents from `p` (after the opening quote when `opened`, or where the last push
   * stopped), up to the closing quote or the end of the piece. Returns where reading goes on.
   *
   * Finds the end of the run first (a tight loop over the first characters of a new string, then
   * indexOf and a cached search for control characters), then takes the run whole: one slice, or
   * the slices between its escapes. Anything wrong (a control character, a bad escape) goes to
   * `scanString`, which reports it precisely.
   */
  private readString(s: string, p: number, n: number, opened: boolean): number {
    let q = -1; // the closing quote
    let escaped = false;
    let i = p;
    if (opened) {
      const lim = p + 24 < n ? p + 24 : n;
      while (i < lim) {
        const c = s.charCodeAt(i);
        if (c === 34) {
          q = i;
          if (!escaped && this.mode === KEY_STRING) {
            // A key: the same string as last time it was seen, when it is in the cache. Property
            // stores with a string already used as a key are much cheaper (no lookup to intern it).
            const len = q - p;
            const h = len === 0 ? 0 : (len * 7 + s.charCodeAt(p) * 31 + s.charCodeAt(q - 1)) & 255;
            let key = KEYS[h]!;
            let k = 0;
            if (key.length === len) while (k < len && key.charCodeAt(k) === s.charCodeAt(p + k)) k++;
            if (k !== len || key.length !== len) KEYS[h] = key = s.slice(p, q);
            this.key = key;
            this.mode = COLON;
            return q + 1;
          }
          break;
        }
        if (c === 92) {
          escaped = true;
          i += 2; // the escaped character, which may be a quote
        } else if (c < 32) return this.scanString(s, p, n); // an error, reported there
        else i++;
      }
    }
    let end = n; // the end of the run to take now
    if (q >= 0) end = q;
    else {
      if (i < n) {
        // The closing quote: the first one after an even number of backslashes.
        for (let k = s.indexOf('"', i); k >= 0; k = s.indexOf('"', k + 1)) {
          let b = k - 1;
          while (b >= p && s.charCodeAt(b) === 92) b--;
          if ((k - b) % 2 === 1) {
            q = k;
            break;
          }
        }
      }
      if (q >= 0) end = q;
      else {
        // The piece ends inside the string: an escape it cuts is kept for the next piece.
        let b = n - 1;
        while (b >= p && s.charCodeAt(b) === 92) b--;
        if ((n - 1 - b) % 2 === 1) end = n - 1;
        else {
          for (let j = n - 2; j >= n - 5 && j >= p; j--) {
            if (s.charCodeAt(j) === 92 && s.charCodeAt(j + 1) === 117) {
              let c = j - 1;
              while (c >= p && s.charCodeAt(c) === 92) c--;
              if ((j - c) % 2 === 1) end = j;
              break;
            }
          }
        }
      }
      if (end > i) {
        if (!escaped) escaped = this.nextBackslash(s, i, n) < end;
        // Control characters: JSON.parse finds them in the long runs it decodes; else look.
        if (!escaped || end - p < LONG_RUN) {
          if (this.ctlAt < i) {
            CONTROL.lastIndex = i;
            this.ctlAt = CONTROL.test(s) ? CONTROL.lastIndex - 1 : n;
          }
          if (this.ctlAt < end) return this.scanString(s, p, n); // a control character
        }
      }
    }
    // The run [p, end): slices between escapes. Its last character is kept aside in `last` when
    // it ends an unfinished string and is a high surrogate: its pair may come in the next piece.
    let out = "";
    let a = p;
    let ch = ""; // the last escape decoded, not yet added to out
    if (escaped && end - p >= LONG_RUN) {
      // A long run with escapes: one JSON.parse decodes it in native code, as one flat piece.
      try {
        out = JSON.parse(opened && q >= 0 ? s.slice(p - 1, q + 1) : '"' + s.slice(p, end) + '"') as string;
      } catch {
        return this.scanString(s, p, n); // a bad escape
      }
      a = end;
      if (q < 0 && out !== "" && isHighSurrogate(out.charCodeAt(out.length - 1))) {
        ch = out.slice(-1);
        out = out.slice(0, -1);
      }
    } else if (escaped) {
      let next = p; // where the next escape may start
      for (let b = this.nextBackslash(s, p, n); b < end; b = this.nextBackslash(s, next, n)) {
        const e = s.charCodeAt(b + 1);
        out += ch + s.slice(a, b);
        if (e === 34 || e === 92 || e === 47) {
          // \" \\ \/ stand for the character escaped: it starts the next slice (fewer pieces).
          ch = "";
          a = b + 1;
          next = b + 2;
        } else if (e === 117) {
          const h0 = hexValue(s.charCodeAt(b + 2));
          const h1 = hexValue(s.charCodeAt(b + 3));
          const h2 = hexValue(s.charCodeAt(b + 4));
          const h3 = hexValue(s.charCodeAt(b + 5));
          if ((h0 | h1 | h2 | h3) < 0) return this.scanString(s, p, n); // a bad \u escape
          ch = String.fromCharCode((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
          a = next = b + 6;
        } else {
          const code = simpleEscape(e);
          if (code < 0) return this.scanString(s, p, n); // a bad escape
          ch = String.fromCharCode(code);
          a = next = b + 2;
        }
      }
    }
    let last = "";
    if (a < end) {
      if (q < 0 && isHighSurrogate(s.charCodeAt(end - 1))) {
        out += ch + s.slice(a, end - 1);
        last = s.charAt(end - 1);
      } else out += ch + s.slice(a, end);
    } else if (q < 0 && ch !== "" && isHighSurrogate(ch.charCodeAt(0))) last = ch;
    else out += ch;
    if (q >= 0) {
      let value = out;
      if (this.str !== "" || this.strHi !== "") {
        value = this.str + this.strHi + out;
        value.charCodeAt(0); // flattens the rope built across pieces, once
      }
      this.endString(value);
      return q + 1;
    }
    if (end < n) {
      // Keep the cut escape (checking the hex digits it already has).
      for (let k = end + 2; k < n; k++) if (hexValue(s.charCodeAt(k)) < 0) return this.scanString(s, p, n);
      this.esc = s.slice(end, n);
    }
    if (out === "" && last === "") return n; // nothing new (a held-back surrogate stays held)
    const visible = this.strHi + out;
    this.strHi = last;
    if (visible !== "") {
      this.str += visible;
      if (this.mode === STRING) this.changed = true;
    }
    return n;
  }

  /** A string ended with `value`: it is a key, or a value put in place. */
  private endString(value: string): void {
    if (this.mode === KEY_STRING) {
      this.key = value;
      this.mode = COLON;
    } else {
      // Nothing new to see when only the closing quote arrived: keep the last snapshot.
      const was = this.changed;
      const same = value.length === this.str.length;
      this.put(value);
      if (same) this.changed = was;
    }
    this.str = "";
    this.strHi = "";
  }

  /** The first backslash at or after `from` in the piece (n when none), cached for the piece. */
  private nextBackslash(s: string, from: number, n: number): number {
    if (this.bsAt < from) this.bsAt = indexOrEnd(s, "\\", from, n);
    return this.bsAt;
  }

  /**
   * Reads string contents from `p` (after the opening quote, or where the last push stopped), up to
   * the closing quote or the end of the piece. Returns where reading goes on.
   */
  private scanString(s: string, p: number, n: number): number {
    let a = p;
    for (;;) {
      let c = 0;
      while (p < n) {
        c = s.charCodeAt(p);
        if (c === 34 || c === 92 || c < 32) break;
        p++;
      }
      if (p === n) {
        this.appendRun(s, a, n);
        return n;
      }
      if (c === 34) {
        const value = this.str === "" && this.strHi === "" ? s.slice(a, p) : this.str + this.strHi + s.slice(a, p);
        this.endString(value);
        return p + 1;
      }
      if (c === 92) {
        this.appendRun(s, a, p);
        p = this.escape(s, p, n);
        if (p === n) return n;
        a = p;
        continue;
      }
      this.fail("Bad control character in string literal", this.offset + p);
      return n;
    }
  }

  /** Appends s[a, b) to the string being read, holding back a trailing high surrogate. */
  private appendRun(s: string, a: number, b: number): void {
    if (a === b) return;
    const hi = this.strHi;
    let piece: string;
    if (isHighSurrogate(s.charCodeAt(b - 1))) {
      piece = hi + s.slice(a, b - 1);
      this.strHi = s.charAt(b - 1);
    } else {
      piece = hi + s.slice(a, b);
      this.strHi = "";
    }
    if (piece !== "") {
      this.str += piece;
      if (this.mode === STRING) this.changed = true;
    }
  }

  /** Appends one decoded UTF-16 code unit. */
  private appendCode(code: number): void {
    const ch = String.fromCharCode(code);
    const hi = this.strHi;
    if (isHighSurrogate(code)) {
      this.strHi = ch;
      if (hi === "") return;
      this.str += hi;
    } else {
      this.str += hi + ch;
      this.strHi = "";
    }
    if (this.mode === STRING) this.changed = true;
  }

  /** The escape at `p` (a backslash). Returns the index after it, or `n` when cut (kept in `esc`). */
  private escape(s: string, p: number, n: number): number {
    if (p + 1 === n) {
      this.esc = "\\";
      return n;
    }
    const e = s.charCodeAt(p + 1);
    if (e === 117) {
      let code = 0;
      for (let i = p + 2; i < p + 6; i++) {
        if (i === n) {
          this.esc = s.slice(p);
          return n;
        }
        const h = hexValue(s.charCodeAt(i));
        if (h < 0) {
          this.fail("Bad Unicode escape in JSON", this.offset + i);
          return n;
        }
        code = (code << 4) | h;
      }
      this.appendCode(code);
      return p + 6;
    }
    const code = simpleEscape(e);
    if (code < 0) {
      this.fail("Bad escaped character in JSON", this.offset + p + 1);
      return n;
    }
    this.appendCode(code);
    return p + 2;
  }

  /** Continues an escape cut by the end of the last push. Returns where reading goes on. */
  private resumeEscape(s: string, p: number, n: number): number {
    let esc = this.esc;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (esc.length === 1) {
        if (c !== 117) {
          const code = simpleEscape(c);
          if (code < 0) {
            this.fail("Bad escaped character in JSON", this.offset + p);
            return n;
          }
          this.esc = "";
          this.appendCode(code);
          return p + 1;
        }
      } else if (hexValue(c) < 0) {
        this.fail("Bad Unicode escape in JSON", this.offset + p);
        return n;
      }
      esc += s.charAt(p);
      p++;
      if (esc.length === 6) {
        this.esc = "";
        this.appendCode(parseInt(esc.slice(2), 16));
        return p;
      }
    }
    this.esc = esc;
    return n;
  }

  /**
   * Parses the JSON number starting at `p` (a digit or '-'); `base` is the position of s[0] in the
   * whole text. Returns the index after it (its value in `numValue`); -1 when the piece ends before
   * the number is known to be complete (unless `final`: then the end of `s` ends it); -2 on a syntax
   * error (recorded).
   */
  private num(s: string, p: number, n: number, final: boolean, base: number): number {
    const start = p;
    let c = s.charCodeAt(p);
    const neg = c === 45;
    if (neg) {
      if (++p === n) return this.numEnd(final, "No number after minus sign in JSON", base + p);
      c = s.charCodeAt(p);
    }
    let m = 0; // the digits as an integer (exact while sig <= 15)
    let sig = 0; // significant digits (from the first non-zero one)
    let scale = 0; // the power of ten to apply to m
    if (c === 48) {
      if (++p < n && (c = s.charCodeAt(p)) >= 48 && c <= 57) {
        this.fail("Unexpected number in JSON", base + p); // a leading zero
        return -2;
      }
    } else if (c >= 49 && c <= 57) {
      do {
        m = m * 10 + (c - 48);
        sig++;
        if (++p === n) break;
        c = s.charCodeAt(p);
      } while (c >= 48 && c <= 57);
    } else {
      this.fail("No number after minus sign in JSON", base + p);
      return -2;
    }
    if (p === n) {
      if (!final) return -1;
    } else {
      c = s.charCodeAt(p);
      if (c === 46) {
        if (++p === n) return this.numEnd(final, "Unterminated fractional number in JSON", base + p);
        c = s.charCodeAt(p);
        if (c < 48 || c > 57) {
          this.fail("Unterminated fractional number in JSON", base + p);
          return -2;
        }
        do {
          const d = c - 48;
          if (sig > 0 || d !== 0) sig++;
          m = m * 10 + d;
          scale--;
          if (++p === n) break;
          c = s.charCodeAt(p);
        } while (c >= 48 && c <= 57);
        if (p === n && !final) return -1;
      }
      if (p < n && (c === 101 || c === 69)) {
        if (++p === n) return this.numEnd(final, "Exponent part is missing a number in JSON", base + p);
        c = s.charCodeAt(p);
        let eneg = false;
        if (c === 43 || c === 45) {
          eneg = c === 45;
          if (++p === n) return this.numEnd(final, "Exponent part is missing a number in JSON", base + p);
          c = s.charCodeAt(p);
        }
        if (c < 48 || c > 57) {
          this.fail("Exponent part is missing a number in JSON", base + p);
          return -2;
        }
        let e = 0;
        do {
          if (e < 100000) e = e * 10 + (c - 48);
          if (++p === n) break;
          c = s.charCodeAt(p);
        } while (c >= 48 && c <= 57);
        if (p === n && !final) return -1;
        scale += eneg ? -e : e;
      }
    }
    let v: number;
    if (sig <= 15 && scale >= -22 && scale <= 22) {
      // Exact integer times or divided by an exact power of ten: one correctly rounded operation.
      v = scale < 0 ? m / POW10[-scale]! : scale > 0 ? m * POW10[scale]! : m;
      if (neg) v = -v;
    } else {
      v = Number(s.slice(start, p));
    }
    this.numValue = v;
    return p;
  }

  /** Completes the number cut between pushes, now that a character after it (or the end) ended it. */
  private finishNumber(): void {
    const t = this.numText;
    this.numText = "";
    const r = this.num(t, 0, t.length, true, this.numStart);
    if (r < 0) return;
    if (r !== t.length) return this.fail(`Unexpected ${describe(t.charAt(r))}`, this.numStart + r);
    this.put(this.numValue);
  }

  private numEnd(final: boolean, message: string, position: number): number {
    if (!final) return -1;
    this.fail(message, position);
    return -2;
  }
}

/** The code unit of a one-character escape (`\n` → 10), or -1. */
function simpleEscape(e: number): number {
  switch (e) {
    case 34:
      return 34;
    case 92:
      return 92;
    case 47:
      return 47;
    case 98:
      return 8;
    case 102:
      return 12;
    case 110:
      return 10;
    case 114:
      return 13;
    case 116:
      return 9;
    default:
      return -1;
  }
}
