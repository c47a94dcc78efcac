/**
 * `JSON.parse`, tolerant of the non-standard literals some servers emit (Python's `json.dumps`
 * writes `NaN`, `Infinity` and `-Infinity` for float fields such as logprobs): outside strings they
 * become `null`, so the event is kept rather than dropped with a hole in the text. Anything else
 * that is not JSON still throws.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    return JSON.parse(nonFiniteToNull(text));
  }
}

/** Replace bare `NaN`, `Infinity`, `-Infinity` (outside string literals) with `null`. */
function nonFiniteToNull(text: string): string {
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    let len = 0;
    if (c === 78 /* N */ && text.startsWith("NaN", i)) len = 3;
    else if (c === 73 /* I */ && text.startsWith("Infinity", i)) len = 8;
    else if (c === 45 /* - */ && text.startsWith("-Infinity", i)) len = 9;
    if (len) {
      out += text.slice(from, i) + "null";
      i += len - 1;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/**
 * `JSON.stringify` for evidence in errors: never throws (a cycle, a BigInt, or an object nested so
 * deep that serialising it overflows the stack), and cut to `max` characters.
 */
export function safeStringify(value: unknown, max = 2000): string {
  try {
    const s = typeof value === "string" ? value : JSON.stringify(value);
    return s === undefined ? String(value) : s.slice(0, max);
  } catch (e) {
    return `[not serialisable: ${(e as Error)?.message ?? e}]`;
  }
}
