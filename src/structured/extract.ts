import { parseJson } from "../core/json.js";

/** A JSON value found in a model's reply, and what had to be looked past to find it. */
export interface ExtractedJson {
  value: unknown;
  /** What was done beyond a plain `JSON.parse`, for a warning: "took the JSON out of a code fence", … */
  fixes: string[];
}

const THINK = /^\s*<think>[\s\S]*?<\/think>/;
const FENCE = /```[ \t]*(?:json5?|jsonc|javascript|js)?[ \t]*\r?\n?([\s\S]*?)```/i;

/**
 * Find the JSON value in a model's reply, leniently: a byte-order mark, a leading `<think>` block, a
 * code fence, a sentence of prose before or after, trailing commas. Returns undefined when no JSON
 * value can be read at all. Models without constrained decoding (prompt-only, json_object on small
 * local models) answer this way often enough that refusing would mean a needless repair turn.
 */
export function extractJson(reply: string): ExtractedJson | undefined {
  const fixes: string[] = [];
  let text = reply;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    fixes.push("removed a byte-order mark");
  }
  const direct = tryParse(text);
  if (direct !== undefined) return { value: direct.value, fixes };

  const think = THINK.exec(text);
  if (think) {
    text = text.slice(think[0].length);
    fixes.push("skipped a <think> block");
    const t = tryParse(text);
    if (t !== undefined) return { value: t.value, fixes };
  }
  const fence = FENCE.exec(text);
  if (fence) {
    fixes.push("took the JSON out of a code fence");
    const inner = fromText(fence[1]!, fixes);
    if (inner) return inner;
    fixes.pop();
  }
  return fromText(text, fixes);
}

/** The first balanced JSON object or array in `text`, with trailing commas forgiven. */
function fromText(text: string, fixes: string[]): ExtractedJson | undefined {
  for (let start = firstOpen(text, 0); start !== -1; start = firstOpen(text, start + 1)) {
    const end = matchingClose(text, start);
    if (end === -1) continue;
    const candidate = text.slice(start, end + 1);
    const extra: string[] = [];
    if (text.slice(0, start).trim() || text.slice(end + 1).trim()) extra.push("ignored text around the JSON");
    let parsed = tryParse(candidate);
    if (parsed === undefined) {
      const noCommas = withoutTrailingCommas(candidate);
      if (noCommas !== candidate) {
        parsed = tryParse(noCommas);
        if (parsed !== undefined) extra.push("removed trailing commas");
      }
    }
    if (parsed !== undefined) return { value: parsed.value, fixes: [...fixes, ...extra] };
  }
  return undefined;
}

function tryParse(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (!t) return undefined;
  try {
    return { value: parseJson(t) };
  } catch {
    return undefined;
  }
}

function firstOpen(text: string, from: number): number {
  const a = text.indexOf("{", from);
  const b = text.indexOf("[", from);
  return a === -1 ? b : b === -1 ? a : Math.min(a, b);
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when it never closes. */
function matchingClose(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `[1, 2,]` → `[1, 2]`, outside strings only. */
function withoutTrailingCommas(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 44 /* , */) {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === "}" || text[j] === "]") {
        out += text.slice(from, i);
        from = i + 1;
      }
    }
  }
  return out + text.slice(from);
}
