import { resolveDialect, type Dialect, type DialectName } from "./dialects.js";
import { respond, type Frame } from "./delivery.js";
import { base64Floats, simEmbedding } from "./embeddings.js";
import { streamChunks, renderCompletion } from "./render-chat.js";
import { OllamaStore, type OllamaSimOptions } from "./ollama-native.js";
import { DropConnection, type SimResponse } from "./response.js";
import { schemaInstance } from "./instance.js";
import { isRefusal, readResponseFormat, type Constraint, type SimRefusal } from "./response-format.js";
import type { SimChatReply, SimDelivery, SimErrorReply, SimReply } from "./script.js";
import { checkHistory } from "./history.js";

/** Options of the simulator. */
export interface SimulatorOptions {
  /** The provider family whose wire habits to reproduce ["openai"]. */
  dialect?: DialectName;
  /**
   * Reproduce the dialect's older release instead of today's server, where one is modelled
   * (`Dialect.legacy`): e.g. Ollama 0.3 (tool calls without `index`, `finish_reason: ""`, `stop` after
   * tool calls, `null` content refused), so a client's tolerance of it stays tested [false].
   */
  legacy?: boolean;
  /**
   * Replies to give, in order; more can be queued with `reply()`. When the queue is empty, chat echoes
   * the last user message, or, where the request's `response_format` constrains the answer, gives a
   * minimal valid instance of its schema (`json_schema`) or a small JSON object (`json_object`).
   */
  script?: SimReply[];
  /** Model ids the server lists; a chat or embeddings request for another model gets the dialect's "model not found" (E8). */
  models?: string[];
  /** List `models` but serve any model name (the CLI's offline mock). */
  anyModel?: boolean;
  /** Require `Authorization: Bearer <apiKey>`; otherwise 401. */
  apiKey?: string;
  /** Parameters this server rejects with a 400 naming them (Q1–Q3). */
  rejectParams?: string[];
  /** Dimensions of the deterministic embeddings [8]. */
  embeddingDimensions?: number;
  /** The `ollama` dialect's model store, served on Ollama's native `/api/*` model endpoints. */
  ollama?: OllamaSimOptions;
  /**
   * T12: the server was started with its auto-tool-choice flag (vLLM: `--enable-auto-tool-choice
   * --tool-call-parser …`), so `tool_choice: "auto"` is accepted [false].
   */
  enableAutoToolChoice?: boolean;
  /**
   * Models on which `json_schema` is refused, for a dialect that decides per model (Groq); replaces the
   * dialect's own list (`responseFormat.jsonSchemaModels`). The simulator's default model takes it.
   */
  jsonSchemaUnsupported?: string[];
  /**
   * Check the conversation as the dialect's server does (`Dialect.history`): a tool message that answers
   * no preceding `tool_calls` turn, calls left without results, a tool message without `tool_call_id`,
   * and where the server checks them, role order and system messages, each refused with the server's own
   * 400. `false` takes any history, as the simulator did before it checked them [true].
   */
  validateHistory?: boolean;
}

/** A request the simulator received, for tests to assert what went on the wire. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, when there was one. */
  body: any;
  /** The client closed the connection before the response was complete. */
  closedEarly: boolean;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}

/**
 * The simulator's logic, independent of transport: a request in, a response (status, headers,
 * byte sequence) out. `startSimulator` puts it behind a real HTTP server; `simulatorFetch` behind a `fetch`.
 */
export class SimulatorEngine {
  readonly requests: RecordedRequest[] = [];
  /** The dialect as spoken: today's server, or its older release with `legacy`. */
  readonly dialect: Dialect;
  private readonly queue: SimReply[];
  /** The `ollama` dialect's installed models (native model endpoints). */
  readonly ollama: OllamaStore | undefined;

  constructor(readonly options: SimulatorOptions = {}) {
    const d = resolveDialect(options.dialect ?? "openai", options.legacy);
    this.dialect = d;
    this.queue = [...(options.script ?? [])];
    if (d.nativeModelApi) this.ollama = new OllamaStore(options.ollama, d.version);
  }

  /** Queue replies for the next requests. */
  reply(...replies: SimReply[]): void {
    this.queue.push(...replies);
  }

  /** Replies still queued. */
  get pending(): number {
    return this.queue.length;
  }

  /** Answer one request. `signal` aborts when the client goes away (it ends stalls and sets `closedEarly`). */
  handle(method: string, path: string, headers: Record<string, string>, rawBody: string, signal: AbortSignal): SimResponse {
    let body: any;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { method, path, headers, body, closedEarly: false };
    this.requests.push(record);
    signal.addEventListener("abort", () => (record.closedEarly = true), { once: true });
    const route = path.replace(/\?.*$/, "").replace(/^\/v1(?=\/)/, "");
    const d = this.dialect;

    if (this.options.apiKey !== undefined && headers.authorization !== `Bearer ${this.options.apiKey}`) {
      const got = headers.authorization?.replace(/^Bearer /, "") ?? "";
      // Some servers echo the key they got; clients must redact it.
      return this.error({ kind: "error", status: 401, message: `Incorrect API key provided: ${got}.`, type: "invalid_request_error", code: "invalid_api_key" });
    }
    const head = this.queue[0];
    const isChat = method === "POST" && route === "/chat/completions";
    // Errors and raw replies apply to any endpoint; chat replies only to chat.
    if (head && (head.kind === "error" || head.kind === "raw")) {
      this.queue.shift();
      if (head.kind === "error") return this.error(head);
      return respond(head.status ?? 200, { "content-type": head.contentType ?? "text/event-stream", ...head.headers }, [head.body], head);
    }
    if (this.ollama && route.startsWith("/api/")) {
      const out = this.ollama.handle(method, route, body, { json: (s, v, dl) => this.json(s, v, dl), error: (e) => this.error(e), frames: (s, h, f, dl) => respond(s, h, f, dl) });
      if (out) return out;
    }
    if (isChat) {
      this.ollama?.used(body?.model);
      if (!body || !Array.isArray(body.messages)) return this.error({ kind: "error", status: 400, message: "'messages' is a required property", type: "invalid_request_error" });
      // A request the server refuses does not use up the scripted reply.
      const invalid = this.check(body);
      if (invalid) return invalid;
      const format = readResponseFormat(d.responseFormat, body, this.options.jsonSchemaUnsupported);
      if (isRefusal(format)) return this.refuse(format, body);
      // A scripted reply wins over the constraint: tests need fenced, prose-wrapped and invalid answers.
      const reply = head ? (this.queue.shift() as SimChatReply) : unscripted(body, format);
      return this.chat(reply, body, signal);
    }
    if (method === "POST" && route === "/embeddings") {
      const invalid = this.check(body ?? {});
      if (invalid) return invalid;
      const inputs: unknown[] = Array.isArray(body?.input) ? body.input : [body?.input];
      const dims = this.options.embeddingDimensions ?? 8;
      const b64 = body?.encoding_format === "base64" && !d.ignoresBase64;
      const data = inputs.map((input, index) => {
        const v = simEmbedding(String(input), dims);
        return { object: "embedding", index, embedding: b64 ? base64Floats(v) : v };
      });
      return this.json(200, { object: "list", data, model: body?.model ?? "sim-embed", usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
    }
    if (method === "GET" && route === "/models") {
      const ids = this.options.models ?? ["sim-model", "sim-embed"];
      const data = ids.map((id) => ({ id, object: "model", created: 1700000000, owned_by: d.ownedBy ?? d.name }));
      return this.json(200, { object: "list", data, ...d.modelListExtra?.(ids) });
    }
    if (d.unknownRoute) return respond(d.unknownRoute.status, { "content-type": d.unknownRoute.contentType }, [d.unknownRoute.body], {});
    return this.error({ kind: "error", status: 404, message: `no route for ${method} ${path}`, type: "not_found" });
  }

  /** The request-side rules of the server (E8, Q1–Q6, R4, T12, its history checks): an error response, or undefined to go on. */
  private check(body: Record<string, any>): SimResponse | undefined {
    const d = this.dialect;
    const models = this.options.models;
    if (models && !this.options.anyModel && body.model !== undefined && !models.includes(body.model)) {
      const nf = d.modelNotFound(String(body.model));
      return this.error({ kind: "error", ...nf });
    }
    for (const p of this.options.rejectParams ?? []) {
      if (body[p] !== undefined) return this.error({ kind: "error", status: 400, message: `Unrecognized request argument supplied: ${p}`, type: "invalid_request_error", param: p });
    }
    const nil = d.nullContent;
    if (nil && Array.isArray(body.messages) && body.messages.some((m: any) => m && m.content == null && (nil.refused === "always" || m.tool_calls == null))) {
      return this.error({ kind: "error", status: 400, message: nil.message, type: "invalid_request_error" });
    }
    const auto = Array.isArray(body.tools) && body.tools.length > 0 && (body.tool_choice === undefined || body.tool_choice === "auto");
    if (d.autoToolChoiceRefused && auto && !this.options.enableAutoToolChoice) {
      return this.error({ kind: "error", status: 400, message: d.autoToolChoiceRefused, type: "BadRequestError" });
    }
    const bad = d.validate?.(body);
    if (bad) return this.error({ kind: "error", type: "invalid_request_error", ...bad });
    if (d.history && this.options.validateHistory !== false && Array.isArray(body.messages)) {
      const refused = checkHistory(body.messages, d.history, typeof body.model === "string" ? body.model : undefined);
      if (refused) return this.error({ kind: "error", type: "invalid_request_error", ...refused });
    }
    return undefined;
  }

  private chat(reply: SimChatReply, body: Record<string, any>, signal: AbortSignal): SimResponse {
    if (!body.stream) return this.json(200, renderCompletion(reply, this.dialect, body), reply);
    return respond(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...reply.headers }, this.sse(reply, body, signal), reply);
  }

  /** The SSE frames of a streamed reply, made one at a time as the transport reads them. */
  private *sse(reply: SimChatReply, body: Record<string, any>, signal: AbortSignal): Generator<Frame> {
    const d = this.dialect;
    const le = reply.lineEnding ?? "\n";
    if (d.keepAlive) yield `${d.keepAlive}${le}${le}`;
    // After this many chunks: the in-stream error (S5), a stall (S6), a dropped connection; in that order when they coincide.
    const endAt = (sent: number): Frame | undefined => {
      if (sent === reply.errorAfter) return d.streamError("upstream model failed mid-generation", first.id, first.model).replace(/\n/g, le);
      if (sent === reply.stallAfter) return () => untilAborted(signal);
      if (sent === reply.dropAfter) return () => Promise.reject(new DropConnection("drop"));
      return undefined;
    };
    let first!: { id: string; model: string };
    let sent = 0;
    for (const chunk of streamChunks(reply, d, body)) {
      first ??= chunk as { id: string; model: string };
      const end = endAt(sent);
      if (end) {
        yield end;
        return;
      }
      yield `data: ${JSON.stringify(chunk)}${le}${le}`;
      sent++;
    }
    yield endAt(sent) ?? `data: [DONE]${le}${le}`;
  }

  /** A `response_format` the server refuses, in its words: its error shape, or a text/plain body. */
  private refuse(r: SimRefusal, body: Record<string, any>): SimResponse {
    const message = typeof r.message === "function" ? r.message(body) : r.message;
    if (r.plain) return this.error({ kind: "error", status: r.status, body: message });
    return this.error({ kind: "error", status: r.status, message, type: r.type ?? "invalid_request_error", code: r.code, param: r.param });
  }

  private error(e: SimErrorReply): SimResponse {
    const d = this.dialect;
    const body = e.body !== undefined ? e.body : (() => {
      const b = d.errorBody(e.status, e.message ?? "error", e.type ?? "invalid_request_error", e.code, e.param) as Record<string, any>;
      if (e.extra) Object.assign(typeof b.error === "object" ? b.error : b, e.extra);
      return b;
    })();
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" && !/^\s*[[{]/.test(body) ? (body.trimStart().startsWith("<") ? "text/html" : "text/plain") : "application/json";
    return respond(e.status, { "content-type": type, ...e.headers }, [text], e);
  }

  private json(status: number, value: unknown, delivery: SimDelivery = {}): SimResponse {
    return respond(status, { "content-type": "application/json", ...delivery.headers }, [JSON.stringify(value)], delivery);
  }
}

function lastUserText(body: Record<string, any>): string {
  const last = [...body.messages].reverse().find((m: any) => m?.role === "user");
  const c = last?.content;
  return typeof c === "string" ? c : Array.isArray(c) ? c.map((p: any) => p?.text ?? "").join(" ") : "";
}

function echo(body: Record<string, any>): string {
  return `You said: ${lastUserText(body)}`;
}

/** The user's words, cut to a short string value (a dozen words at most). */
function shortText(body: Record<string, any>): string {
  const words = lastUserText(body).trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 12).join(" ") || "sim";
}

/**
 * The answer when nothing is scripted: the echo, or what a grammar-constrained server answers at
 * least: a minimal instance of the schema, or a JSON object (the schema the prompt shows, if any).
 * The JSON goes out in token-sized pieces, so a stream delivers it bit by bit.
 */
function unscripted(body: Record<string, any>, format: Constraint): SimChatReply {
  if (format.kind === "none") return { text: echo(body) };
  const value = schemaInstance(format.schema, { text: shortText(body), reply: echo(body) });
  const text = JSON.stringify(value);
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += 6) chunks.push(chars.slice(i, i + 6).join(""));
  return { chunks };
}
