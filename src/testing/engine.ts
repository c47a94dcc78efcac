import { dialects, type Dialect, type DialectName } from "./dialects.js";
import { renderChunks, renderCompletion } from "./render-chat.js";
import { OllamaStore, type OllamaSimOptions } from "./ollama-native.js";
import type { SimChatReply, SimDelivery, SimErrorReply, SimReply } from "./script.js";

/** Options of the simulator. */
export interface SimulatorOptions {
  /** The provider family whose wire habits to reproduce ["openai"]. */
  dialect?: DialectName;
  /** Replies to give, in order; more can be queued with `reply()`. When the queue is empty, chat echoes the last user message. */
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

/** A response as an async sequence of bytes. The sequence may stall (until `signal`) or throw (drop the connection). */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** Wait this long before sending the headers. */
  delayMs: number;
  body: AsyncIterable<Uint8Array>;
}

export class DropConnection extends Error {}

const enc = new TextEncoder();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}

/** Byte offsets to cut a body of `length` bytes at. */
function cuts(split: SimDelivery["split"], length: number): number[] {
  if (split === undefined) return [];
  if (Array.isArray(split)) return split.filter((n) => n > 0 && n < length).sort((a, b) => a - b);
  if (split === "random") {
    const out: number[] = [];
    for (let i = 1; i < length; i++) if (Math.random() < 0.15) out.push(i);
    return out;
  }
  const out: number[] = [];
  for (let i = split; i < length; i += split) out.push(i);
  return out;
}

/** Deterministic unit vector for a text, so tests can compare embeddings. */
export function simEmbedding(text: string, dims: number): number[] {
  let h = 2166136261;
  const v: number[] = [];
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619) ^ i;
    v.push(((h >>> 0) % 2000) / 1000 - 1);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/**
 * The simulator's logic, independent of transport: a request in, a response (status, headers,
 * byte sequence) out. `startSimulator` puts it behind a real HTTP server; `simulatorFetch` behind a `fetch`.
 */
export class SimulatorEngine {
  readonly requests: RecordedRequest[] = [];
  readonly dialect: Dialect;
  private readonly queue: SimReply[];
  /** The `ollama` dialect's installed models (native model endpoints). */
  readonly ollama: OllamaStore | undefined;

  constructor(readonly options: SimulatorOptions = {}) {
    const d = dialects[options.dialect ?? "openai"];
    if (!d) throw new Error(`unknown simulator dialect "${options.dialect}"; known: ${Object.keys(dialects).join(", ")}`);
    this.dialect = d;
    this.queue = [...(options.script ?? [])];
    if (d.nativeModelApi) this.ollama = new OllamaStore(options.ollama);
  }

  /** Queue replies for the next requests. */
  reply(...replies: SimReply[]): void {
    this.queue.push(...replies);
  }

  /** Replies still queued. */
  get pending(): number {
    return this.queue.length;
  }

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
      return this.bytes(head.status ?? 200, { "content-type": head.contentType ?? "text/event-stream", ...head.headers }, [head.body], head);
    }
    if (this.ollama && route.startsWith("/api/")) {
      const out = this.ollama.handle(method, route, body, { json: (s, v, dl) => this.json(s, v, dl), error: (e) => this.error(e), frames: (s, h, f, dl) => this.bytes(s, h, f, dl) });
      if (out) return out;
    }
    if (isChat) {
      this.ollama?.used(body?.model);
      if (!body || !Array.isArray(body.messages)) return this.error({ kind: "error", status: 400, message: "'messages' is a required property", type: "invalid_request_error" });
      // A request the server refuses does not use up the scripted reply.
      const invalid = this.check(body);
      if (invalid) return invalid;
      const reply = head ? (this.queue.shift() as SimChatReply) : { text: echo(body) };
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
        return { object: "embedding", index, embedding: b64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v };
      });
      return this.json(200, { object: "list", data, model: body?.model ?? "sim-embed", usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
    }
    if (method === "GET" && route === "/models") {
      const ids = this.options.models ?? ["sim-model", "sim-embed"];
      const data = ids.map((id) => ({ id, object: "model", created: 1700000000, owned_by: d.ownedBy ?? d.name }));
      return this.json(200, { object: "list", data, ...d.modelListExtra?.(ids) });
    }
    return this.error({ kind: "error", status: 404, message: `no route for ${method} ${path}`, type: "not_found" });
  }

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
    const bad = d.validate?.(body);
    return bad ? this.error({ kind: "error", type: "invalid_request_error", ...bad }) : undefined;
  }

  private chat(reply: SimChatReply, body: Record<string, any>, signal: AbortSignal): SimResponse {
    const le = reply.lineEnding ?? "\n";
    if (!body.stream) return this.json(200, renderCompletion(reply, this.dialect, body), reply);
    const chunks = renderChunks(reply, this.dialect, body);
    const frames: (string | (() => Promise<void>))[] = [];
    if (this.dialect.keepAlive) frames.push(`${this.dialect.keepAlive}${le}${le}`);
    const stop = (at: number | undefined) => at !== undefined && at <= chunks.length;
    const limit = Math.min(...[reply.stallAfter, reply.errorAfter, reply.dropAfter, chunks.length].filter((x): x is number => x !== undefined));
    for (let i = 0; i < limit; i++) frames.push(`data: ${JSON.stringify(chunks[i])}${le}${le}`);
    if (stop(reply.errorAfter) && limit === reply.errorAfter) {
      const first = chunks[0] as { id: string; model: string };
      frames.push(this.dialect.streamError("upstream model failed mid-generation", first.id, first.model).replace(/\n/g, le));
    } else if (stop(reply.stallAfter) && limit === reply.stallAfter) {
      frames.push(() => untilAborted(signal));
    } else if (stop(reply.dropAfter) && limit === reply.dropAfter) {
      frames.push(() => Promise.reject(new DropConnection("drop")));
    } else frames.push(`data: [DONE]${le}${le}`);
    return this.bytes(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...reply.headers }, frames, reply);
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
    return this.bytes(e.status, { "content-type": type, ...e.headers }, [text], e);
  }

  private json(status: number, value: unknown, delivery: SimDelivery = {}): SimResponse {
    return this.bytes(status, { "content-type": "application/json", ...delivery.headers }, [JSON.stringify(value)], delivery);
  }

  private bytes(status: number, headers: Record<string, string>, frames: (string | Uint8Array | (() => Promise<void>))[], delivery: SimDelivery): SimResponse {
    return {
      status,
      headers,
      delayMs: delivery.delayMs ?? 0,
      body: (async function* () {
        // Split mode: the text frames are cut at byte offsets regardless of frame boundaries (S3).
        if (delivery.split !== undefined) {
          const textEnd = frames.findIndex((f) => typeof f === "function");
          const data = frames.slice(0, textEnd === -1 ? frames.length : textEnd) as (string | Uint8Array)[];
          const all = concat(data.map((f) => (typeof f === "string" ? enc.encode(f) : f)));
          let prev = 0;
          for (const at of [...cuts(delivery.split, all.length), all.length]) {
            yield all.subarray(prev, at);
            prev = at;
            await wait(1);
          }
          if (textEnd !== -1) await (frames[textEnd] as () => Promise<void>)();
          return;
        }
        for (const f of frames) {
          if (typeof f === "function") await f();
          else yield typeof f === "string" ? enc.encode(f) : f;
          if (delivery.chunkDelayMs) await wait(delivery.chunkDelayMs);
        }
      })(),
    };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function echo(body: Record<string, any>): string {
  const last = [...body.messages].reverse().find((m: any) => m?.role === "user");
  const c = last?.content;
  const text = typeof c === "string" ? c : Array.isArray(c) ? c.map((p: any) => p?.text ?? "").join(" ") : "";
  return `You said: ${text}`;
}
