import type { ChatCreate } from "../core/chat-create.js";
import type { ProviderPreset } from "../providers/preset.js";
import type { RequestOptions } from "../core/options.js";
import { ConfigError, StructuredOutputError } from "../errors.js";
import type { ChatStream } from "../stream/chat-stream.js";
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionMessage, ChatCompletionMessageParam,
  CompletionUsage, LlmWarning,
} from "../types.js";
import { extractJson } from "./extract.js";
import { partialValues } from "./partial-values.js";
import { resolveSchema, type ResolvedSchema, type SchemaIssue } from "./schema.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { strictifySchema } from "./strict-schema.js";

/** The value type a `parse()` schema yields: a Standard Schema's output type, else `unknown`. */
export type ParsedOf<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** A value as it streams in: every property optional, all the way down. */
export type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Parameters of `parse()`: a chat request whose `response_format` is a schema. */
export interface ParseParams<S> extends Omit<ChatCompletionCreateParams, "response_format"> {
  /** A Standard Schema validator (zod 4, valibot, arktype, effect schema…) or `{ type: "json_schema", json_schema: { name, schema, strict? } }`. */
  response_format: S;
  /** The JSON Schema to send, for a Standard Schema library that cannot produce one itself. */
  jsonSchema?: Record<string, unknown>;
  /** The schema's name on the wire [`response`, or the json_schema's own]. */
  schemaName?: string;
  schemaDescription?: string;
  /** Ask for OpenAI's strict mode (the schema is made strict-compatible, with a warning) [the preset's]. */
  strict?: boolean;
  /** Force a strategy instead of the preset's: `json_schema`, `json_object` or `prompt`. */
  structuredOutput?: "json_schema" | "json_object" | "prompt";
  /** Follow-up turns asking the model to fix an invalid answer [1]. */
  maxRepairs?: number;
}

/** The assistant message of a parsed completion. */
export interface ParsedMessage<T> extends ChatCompletionMessage {
  /** The validated value; null only when the model refused (see `refusal`) or, for choices after the first, did not validate. */
  parsed: T | null;
  refusal: string | null;
}

/** A chat completion whose choices carry `message.parsed`. */
export interface ParsedChatCompletion<T> extends ChatCompletion {
  choices: (ChatCompletion["choices"][number] & { message: ParsedMessage<T> })[];
}

const EXTRA_KEYS = ["jsonSchema", "schemaName", "schemaDescription", "strict", "maxRepairs"] as const;

/** What `parse()` needs of a client: its `create` and its preset. Any `LlmClient` fits (a fallback client, a wrapper). */
export interface ParseTarget {
  chat: { completions: { create: ChatCreate["create"] } };
  readonly provider: ProviderPreset;
}

/** Everything `parse()` needs to know, resolved once per call. */
interface Plan {
  schema: ResolvedSchema;
  restore: ((v: unknown) => unknown) | undefined;
  request: ChatCompletionCreateParams;
  maxRepairs: number;
  warnings: LlmWarning[];
}

function plan(client: Pick<ParseTarget, "provider">, params: ParseParams<unknown>): Plan {
  if (!params || typeof params !== "object") throw new ConfigError("chat.completions.parse needs { messages, response_format }");
  if (params.response_format === undefined) throw new ConfigError("chat.completions.parse needs a response_format: a schema (zod, valibot, arktype…) or { type: \"json_schema\", json_schema }");
  const schema = resolveSchema(params.response_format, { name: params.schemaName, description: params.schemaDescription, jsonSchema: params.jsonSchema });
  const maxRepairs = params.maxRepairs ?? 1;
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0) throw new ConfigError(`maxRepairs must be an integer ≥ 0, got ${JSON.stringify(params.maxRepairs)}`);
  const warnings: LlmWarning[] = [];
  const strict = params.strict ?? schema.strict ?? client.provider.capabilities?.strictJsonSchema ?? false;
  let wire = schema.jsonSchema;
  let restore: Plan["restore"];
  if (strict) {
    const s = strictifySchema(wire);
    wire = s.schema;
    restore = s.restore;
    if (s.changes.length) warnings.push({ type: "schema-made-strict", param: "response_format", message: `the schema was made strict-compatible: ${s.changes.join("; ")}` });
  }
  const request: Record<string, unknown> = { ...params };
  for (const k of EXTRA_KEYS) delete request[k];
  const json_schema: Record<string, unknown> = { name: schema.name, schema: wire };
  if (schema.description !== undefined) json_schema.description = schema.description;
  if (strict) json_schema.strict = true;
  request.response_format = { type: "json_schema", json_schema };
  return { schema, restore, request: request as unknown as ChatCompletionCreateParams, maxRepairs, warnings };
}

function addUsage(a: CompletionUsage | undefined, b: CompletionUsage | undefined): CompletionUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  return { ...a, prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: a.total_tokens + b.total_tokens };
}

const showPath = (path: (string | number)[]) => (path.length ? path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("") : "(the value)");

/** The follow-up turn that asks the model to fix its answer. */
function repairTurn(issues: SchemaIssue[] | undefined): string {
  if (!issues) return "Your previous reply was not a JSON value. Reply again with only the JSON value, nothing else.";
  const list = issues.slice(0, 20).map((i) => `- ${showPath(i.path)}: ${i.message}`).join("\n");
  return `Your previous reply did not match the required JSON Schema:\n${list}\nReply again with only the corrected JSON value, nothing else.`;
}

/** Read one choice's message: the value, or what was wrong with it. */
async function readMessage(p: Plan, message: ChatCompletionMessage, warn: (w: LlmWarning) => void): Promise<{ value: unknown } | { refusal: string } | { issues?: SchemaIssue[]; raw: string }> {
  if (typeof message.refusal === "string" && message.refusal) return { refusal: message.refusal };
  const raw = message.content ?? "";
  const found = extractJson(raw);
  if (!found) return { raw };
  if (found.fixes.length) warn({ type: "structured-output-extracted", message: `the JSON was read leniently: ${found.fixes.join(", ")}` });
  let value = p.restore ? p.restore(found.value) : found.value;
  if (p.schema.wrapped) {
    if (value === null || typeof value !== "object" || !("value" in value)) return { issues: [{ path: [], message: 'expected an object with the answer under "value"' }], raw };
    value = (value as { value: unknown }).value;
  }
  const r = await p.schema.validate(value);
  return "issues" in r ? { issues: r.issues, raw } : { value: r.value };
}

/**
 * Give a completion's choices their `parsed` values; repair the first choice with follow-up turns when
 * it does not validate. `attempt` re-asks the model with the extra turns and resolves the next completion.
 */
async function finishParse<T>(
  p: Plan, first: ChatCompletion, messages: ChatCompletionMessageParam[],
  attempt: (messages: ChatCompletionMessageParam[]) => Promise<ChatCompletion>,
): Promise<ParsedChatCompletion<T>> {
  const warnings: LlmWarning[] = [...p.warnings, ...(first.warnings ?? [])];
  const warn = (w: LlmWarning) => void warnings.push(w);
  let completion = first;
  let usage = first.usage;
  let calls = 1;
  let history = messages;
  for (let repairs = 0; ; repairs++) {
    const choice = completion.choices[0];
    const r = choice ? await readMessage(p, choice.message, warn) : { raw: "", issues: [{ path: [], message: "the response has no choices" }] };
    if ("value" in r || "refusal" in r) break;
    if (repairs >= p.maxRepairs) {
      const issues = r.issues ?? [{ path: [], message: "the reply is not JSON" }];
      const err = new StructuredOutputError(
        `the model's reply did not match the schema after ${calls} attempt${calls > 1 ? "s" : ""}: ${issues.slice(0, 3).map((i) => `${showPath(i.path)}: ${i.message}`).join("; ")}`,
        { model: completion.model, attempts: calls },
      );
      err.raw = r.raw;
      err.issues = issues;
      err.completion = completion;
      throw err;
    }
    warn({ type: "structured-output-repaired", message: `the reply did not match the schema; asked again (repair ${repairs + 1} of ${p.maxRepairs})` });
    history = [...history, { role: "assistant", content: r.raw }, { role: "user", content: repairTurn(r.issues) }];
    completion = await attempt(history);
    calls++;
    usage = addUsage(usage, completion.usage);
    for (const w of completion.warnings ?? []) warnings.push(w);
  }
  const choices = [];
  for (const c of completion.choices) {
    const r = await readMessage(p, c.message, c.index === completion.choices[0]?.index ? warn : () => {});
    const parsed = "value" in r ? (r.value as T) : null;
    if (!("value" in r) && !("refusal" in r)) warn({ type: "structured-output-invalid", message: `choice ${c.index} did not match the schema; its parsed is null` });
    choices.push({ ...c, message: { ...c.message, parsed, refusal: "refusal" in r ? r.refusal : (c.message.refusal ?? null) } as ParsedMessage<T> });
  }
  const out = { ...completion, choices } as ParsedChatCompletion<T>;
  if (usage) out.usage = usage;
  if (warnings.length) out.warnings = dedupe(warnings);
  else delete out.warnings;
  return out;
}

function dedupe(ws: LlmWarning[]): LlmWarning[] {
  const seen = new Set<string>();
  return ws.filter((w) => {
    const k = `${w.type}|${w.param ?? ""}|${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A non-streamed `parse()`. */
export async function parseCompletion<T>(client: ParseTarget, params: ParseParams<unknown>, options?: RequestOptions): Promise<{ data: ParsedChatCompletion<T>; response: Response; requestId: string | undefined }> {
  const p = plan(client, params);
  const ask = (messages: ChatCompletionMessageParam[]) => client.chat.completions.create({ ...p.request, messages, stream: false }, options);
  const { data, response, requestId } = await ask(p.request.messages).withResponse();
  const parsed = await finishParse<T>(p, data, p.request.messages, ask);
  return { data: parsed, response, requestId };
}

/**
 * A streamed `parse()`: the chunks as `create({ stream: true })` gives them, `partialObjectStream` with
 * the value as it arrives, and `finalChatCompletion()` with `parsed` (after repairs, made without
 * streaming, when the streamed answer does not validate).
 */
export class ParsedChatStream<T> implements AsyncIterable<ChatCompletionChunk> {
  constructor(
    /** The underlying stream (response, request id, rate limits, warnings). */
    readonly stream: ChatStream,
    private readonly p: Plan,
    private readonly ask: (messages: ChatCompletionMessageParam[]) => Promise<ChatCompletion>,
  ) {}

  get response(): Response {
    return this.stream.response;
  }
  get requestId(): string | undefined {
    return this.stream.requestId;
  }
  get warnings(): LlmWarning[] {
    return this.stream.warnings;
  }
  abort(): void {
    this.stream.abort();
  }
  get textStream(): AsyncIterable<string> {
    return this.stream.textStream;
  }
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    return this.stream[Symbol.asyncIterator]();
  }

  /**
   * The value as it streams in: a new deep-partial snapshot each time it grows (snapshots never change
   * afterwards, so keeping them is safe; see `partialValues` for how often). Consumes the stream;
   * iterate this or the chunks, not both.
   */
  get partialObjectStream(): AsyncIterable<DeepPartial<T>> {
    const stream = this.stream;
    const texts = {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stream) {
          const text = chunk.choices[0]?.delta.content;
          if (text) yield text;
        }
      },
    };
    return partialValues(texts, this.p.schema.wrapped) as AsyncIterable<DeepPartial<T>>;
  }

  /** The whole completion with `parsed`, validated (and repaired if need be). */
  async finalChatCompletion(): Promise<ParsedChatCompletion<T>> {
    const first = await this.stream.finalChatCompletion();
    return finishParse<T>(this.p, first, this.p.request.messages, this.ask);
  }
}

/** A streamed `parse()`: opens the stream. */
export async function parseStream<T>(client: ParseTarget, params: ParseParams<unknown>, options?: RequestOptions): Promise<{ data: ParsedChatStream<T>; response: Response; requestId: string | undefined }> {
  const p = plan(client, params);
  const { stream: _s, ...rest } = p.request;
  const ask = (messages: ChatCompletionMessageParam[]) => client.chat.completions.create({ ...rest, messages, stream: false }, options);
  const { data, response, requestId } = await client.chat.completions.create({ ...rest, stream: true }, options).withResponse();
  return { data: new ParsedChatStream<T>(data, p, ask), response, requestId };
}
