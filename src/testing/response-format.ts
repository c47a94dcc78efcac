/**
 * What a server does with a chat request's `response_format`, read from its dialect's data
 * (`DialectHabits.responseFormat`): refuse it with its own 400, ignore it, or constrain the answer
 * (to the schema, or to some JSON object). Pure: no Node APIs.
 */

/** A refusal as the server words it: in the dialect's error shape, or with `plain`, the message as a text/plain body. */
export interface SimRefusal {
  status: number;
  message: string | ((body: Record<string, any>) => string);
  type?: string;
  code?: string;
  param?: string;
  /** The body is the message itself, as text/plain, not the dialect's JSON error shape. */
  plain?: boolean;
}

/** What the server does with one `response_format` type: constrain the output to it, ignore it, or refuse it. */
export type FormatHandling = "constrained" | "ignored" | SimRefusal;

/** How a server takes `response_format` (Q4 is LM Studio's refusal of JSON mode; see docs/compatibility.md). */
export interface ResponseFormatHabits {
  /** `{type: "json_schema", json_schema: {schema}}`. */
  jsonSchema: FormatHandling;
  /** `{type: "json_object"}` (JSON mode). */
  jsonObject: FormatHandling;
  /** `{type: "text"}`, refused by servers that take only schemas (accepted when unset). */
  text?: SimRefusal;
  /** JSON mode is refused unless some message mentions "json", in any case (OpenAI, Groq, DeepSeek). */
  jsonObjectNeedsWord?: SimRefusal;
  /** JSON mode honours a schema beside the type: `{type: "json_object", schema}` (llama.cpp). */
  jsonObjectSchema?: boolean;
  /**
   * `json_schema` is refused on these models (Groq decides per model). `SimulatorOptions.jsonSchemaUnsupported`
   * replaces the list.
   */
  jsonSchemaModels?: { unsupported: readonly string[]; refusal: SimRefusal };
  /** A `strict: true` schema is checked as OpenAI does, and refused with this when it breaks a rule. */
  strictSchema?: (name: string, problem: string) => SimRefusal;
}

/** What the answer must be: JSON valid against a schema, or free text. */
export type Constraint = { kind: "json"; schema: unknown } | { kind: "none" };

/** The server's verdict on a request's `response_format`: a refusal, or the constraint on its answer. */
export function readResponseFormat(
  habits: ResponseFormatHabits,
  body: Record<string, any>,
  jsonSchemaUnsupported: readonly string[] | undefined,
): SimRefusal | Constraint {
  const rf = body.response_format;
  const type = typeof rf?.type === "string" ? rf.type : undefined;
  if (type === "text") return habits.text ?? { kind: "none" };
  if (type === "json_schema") {
    const per = habits.jsonSchemaModels;
    if (per && (jsonSchemaUnsupported ?? per.unsupported).includes(String(body.model))) return per.refusal;
    if (habits.jsonSchema === "ignored") return { kind: "none" };
    if (habits.jsonSchema !== "constrained") return habits.jsonSchema;
    const js = rf.json_schema;
    if (habits.strictSchema && js?.strict === true) {
      const problem = strictSchemaProblem(js.schema);
      if (problem) return habits.strictSchema(String(js.name ?? ""), problem);
    }
    return { kind: "json", schema: js?.schema ?? { type: "object" } };
  }
  if (type === "json_object") {
    if (habits.jsonObject === "ignored") return { kind: "none" };
    if (habits.jsonObject !== "constrained") return habits.jsonObject;
    if (habits.jsonObjectNeedsWord && !mentionsJson(body.messages)) return habits.jsonObjectNeedsWord;
    if (habits.jsonObjectSchema && rf.schema !== undefined) return { kind: "json", schema: rf.schema };
    // JSON mode guarantees JSON, not a shape; the model follows the schema its prompt shows, if one does.
    return { kind: "json", schema: schemaInPrompt(body.messages) ?? { type: "object" } };
  }
  return { kind: "none" };
}

/** Whether a value read by `readResponseFormat` is a refusal. */
export function isRefusal(v: SimRefusal | Constraint): v is SimRefusal {
  return "status" in v;
}

/** The text of a message's content: a string, or its text parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === "string" ? p.text : "")).join(" ");
  return "";
}

function mentionsJson(messages: unknown): boolean {
  return Array.isArray(messages) && messages.some((m) => /json/i.test(textOf(m?.content)));
}

/**
 * The JSON Schema a system (or developer) message shows after the words "JSON Schema", as `parse()`
 * writes it when it falls back to JSON mode: the first object after them that parses.
 */
function schemaInPrompt(messages: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages) {
    if (m?.role !== "system" && m?.role !== "developer") continue;
    const text = textOf(m.content);
    const at = text.search(/json schema/i);
    if (at === -1) continue;
    for (let i = text.indexOf("{", at); i !== -1; i = text.indexOf("{", i + 1)) {
      const end = objectEnd(text, i);
      if (end === -1) continue;
      try {
        const v = JSON.parse(text.slice(i, end));
        if (typeof v === "object" && v !== null && !Array.isArray(v)) return v;
      } catch {
        // not JSON from here: try the next brace
      }
    }
  }
  return undefined;
}

/** The index after the `}` that closes the `{` at `start` (strings skipped), or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Python's repr of a tuple, as OpenAI names where in a schema a rule broke: `()`, `('items',)`, `('properties', 'a')`. */
function context(path: (string | number)[]): string {
  const parts = path.map((p) => (typeof p === "number" ? String(p) : `'${p}'`));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

/**
 * The first rule of OpenAI's strict structured outputs a schema breaks, in OpenAI's words: every
 * object sets `additionalProperties: false` and lists each of its properties in `required`.
 */
function strictSchemaProblem(schema: unknown, path: (string | number)[] = []): string | undefined {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, any>;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const props = typeof s.properties === "object" && s.properties !== null ? (s.properties as Record<string, unknown>) : undefined;
  if (types.includes("object") || props) {
    if (s.additionalProperties !== false) return `In context=${context(path)}, 'additionalProperties' is required to be supplied and to be false.`;
    const required: unknown[] = Array.isArray(s.required) ? s.required : [];
    const missing = Object.keys(props ?? {}).find((k) => !required.includes(k));
    if (missing !== undefined) return `In context=${context(path)}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
  }
  const subs: [(string | number)[], unknown][] = [];
  for (const [k, v] of Object.entries(props ?? {})) subs.push([["properties", k], v]);
  if (s.items !== undefined) subs.push([["items"], s.items]);
  for (const key of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(s[key])) s[key].forEach((v: unknown, i: number) => subs.push([[key, i], v]));
  for (const key of ["$defs", "definitions"]) if (s[key] && typeof s[key] === "object") for (const [k, v] of Object.entries(s[key])) subs.push([[key, k], v]);
  for (const [p, sub] of subs) {
    const problem = strictSchemaProblem(sub, [...path, ...p]);
    if (problem) return problem;
  }
  return undefined;
}
