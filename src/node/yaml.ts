/**
 * A small YAML reader for configuration files: block mappings and sequences, quoted and plain
 * scalars, one-line flow `[a, b]` / `{a: 1}`, comments. Anything else (anchors, tags, block
 * scalars, several documents) is refused with the line number rather than misread.
 * Written here so the package keeps zero runtime dependencies.
 */
export class YamlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

interface Line { indent: number; text: string; no: number }

export function parseYaml(source: string): unknown {
  const lines: Line[] = [];
  source.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).forEach((raw, i) => {
    const no = i + 1;
    const lead = /^[ \t]*/.exec(raw)![0];
    if (lead.includes("\t") && raw.trim()) throw new YamlError("tabs are not allowed for indentation; use spaces", no);
    const text = stripComment(raw.slice(lead.length), no).trimEnd();
    if (!text || (text === "---" && lead === "" && lines.length === 0)) return;
    if (text === "---" || text === "...") throw new YamlError("only one YAML document per file", no);
    lines.push({ indent: lead.length, text, no });
  });
  if (lines.length === 0) return null;
  const [value, next] = node(lines, 0, lines[0]!.indent);
  if (next < lines.length) throw new YamlError("unexpected indentation", lines[next]!.no);
  return value;
}

function stripComment(text: string, no: number): string {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(text[i - 1]!)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  if (quote) throw new YamlError(`unterminated ${quote} string`, no);
  return text;
}

const isItem = (t: string) => t === "-" || t.startsWith("- ");

function node(lines: Line[], i: number, indent: number): [unknown, number] {
  return isItem(lines[i]!.text) ? sequence(lines, i, indent) : mapping(lines, i, indent);
}

function sequence(lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) {
    const line = lines[i]!;
    const rest = line.text.slice(1).trimStart();
    if (!rest) {
      const child = lines[i + 1];
      if (!child || child.indent <= indent) { out.push(null); i++; continue; }
      const [v, n] = node(lines, i + 1, child.indent);
      out.push(v);
      i = n;
    } else if (keyOf(rest, line.no) !== undefined) {
      // `- key: value` opens a mapping whose lines sit at the column of `key`.
      const col = indent + (line.text.length - rest.length);
      lines[i] = { indent: col, text: rest, no: line.no };
      const [v, n] = mapping(lines, i, col);
      out.push(v);
      i = n;
    } else {
      out.push(scalar(rest, line.no));
      i++;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new YamlError("unexpected indentation", lines[i]!.no);
  return [out, i];
}

function mapping(lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const line = lines[i]!;
    if (isItem(line.text)) throw new YamlError("a list item where a `key: value` was expected", line.no);
    const kv = keyOf(line.text, line.no);
    if (kv === undefined) throw new YamlError(`expected \`key: value\`, got "${line.text}"`, line.no);
    const [key, rest] = kv;
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new YamlError(`duplicate key "${key}"`, line.no);
    i++;
    if (rest) out[key] = scalar(rest, line.no);
    else {
      const child = lines[i];
      if (child && child.indent > indent) [out[key], i] = node(lines, i, child.indent);
      else if (child && child.indent === indent && isItem(child.text)) [out[key], i] = sequence(lines, i, indent);
      else out[key] = null;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new YamlError("unexpected indentation", lines[i]!.no);
  return [out, i];
}

/** `key: rest` → [key, rest]; undefined when the text is not a mapping entry. */
function keyOf(text: string, no: number): [string, string] | undefined {
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const end = text.indexOf(text[0], 1);
    if (end === -1) return undefined;
    key = String(scalar(text.slice(0, end + 1), no));
    after = end + 1;
    if (text[after] !== ":") return undefined;
  } else {
    const m = /^([^:{}[\],#&*!|>'"%@`][^:]*?):(?=\s|$)/.exec(text);
    if (!m) return undefined;
    key = m[1]!.trim();
    after = m[0].length - 1;
  }
  return [key, text.slice(after + 1).trim()];
}

function scalar(text: string, no: number): unknown {
  const t = text.trim();
  const c = t[0];
  if (c === "&" || c === "*" || c === "!") throw new YamlError(`anchors, aliases and tags are not supported: "${t}"`, no);
  if (c === "|" || c === ">") throw new YamlError("block scalars (| and >) are not supported; use a quoted string", no);
  if (c === '"') {
    if (!t.endsWith('"') || t.length < 2) throw new YamlError(`unterminated string ${t}`, no);
    try {
      return JSON.parse(t);
    } catch {
      throw new YamlError(`bad escape in string ${t}`, no);
    }
  }
  if (c === "'") {
    if (!t.endsWith("'") || t.length < 2) throw new YamlError(`unterminated string ${t}`, no);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (c === "[" || c === "{") return flow(t, no);
  if (t === "true" || t === "True" || t === "TRUE") return true;
  if (t === "false" || t === "False" || t === "FALSE") return false;
  if (t === "null" || t === "~" || t === "Null" || t === "NULL") return null;
  if (/^[-+]?(\d[\d_]*)(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t.replace(/_/g, ""));
  return t;
}

/** One-line flow collections, nested as needed. */
function flow(text: string, no: number): unknown {
  let pos = 0;
  const ws = () => { while (pos < text.length && text[pos] === " ") pos++; };
  const value = (): unknown => {
    ws();
    const c = text[pos];
    if (c === "[") {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (text[pos] === "]") { pos++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "]") { pos++; return arr; }
        throw new YamlError(`expected , or ] in ${text}`, no);
      }
    }
    if (c === "{") {
      pos++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[pos] === "}") { pos++; return obj; }
      for (;;) {
        ws();
        const colon = text.indexOf(":", pos);
        if (colon === -1) throw new YamlError(`expected key: value in ${text}`, no);
        const key = String(scalar(text.slice(pos, colon), no));
        pos = colon + 1;
        obj[key] = value();
        ws();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "}") { pos++; return obj; }
        throw new YamlError(`expected , or } in ${text}`, no);
      }
    }
    let end = pos;
    if (c === '"' || c === "'") {
      end = text.indexOf(c, pos + 1);
      while (c === '"' && end > 0 && text[end - 1] === "\\") end = text.indexOf(c, end + 1);
      if (end === -1) throw new YamlError(`unterminated string in ${text}`, no);
      end++;
    } else while (end < text.length && !",]}".includes(text[end]!)) end++;
    const s = text.slice(pos, end);
    pos = end;
    return scalar(s, no);
  };
  const v = value();
  ws();
  if (pos !== text.length) throw new YamlError(`unexpected text after ${text.slice(0, pos)}`, no);
  return v;
}
