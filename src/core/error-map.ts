import {
  AuthenticationError, BadRequestError, ConflictError, ContextLengthError, LlmError, NotFoundError,
  PermissionDeniedError, QuotaExceededError, RateLimitError, ServerError, TimeoutError,
} from "../errors.js";
import type { ErrorInfo, ProviderHooks } from "../providers/preset.js";
import { parseJson, safeStringify } from "./json.js";
import { redact } from "./redact.js";

const SNIPPET = 2000;

/**
 * Read the message, code, type and param out of any error body shape we have seen (E1, E2, E3):
 * `{"error":{message,type,param,code}}`, `{"error":"string"}`, `{"detail":"…"|[{msg,loc}]}`,
 * `{"object":"error","message"}`, `{"message"}`, Gemini's `[{"error":{…}}]`, or plain text/HTML.
 */
export function parseErrorBody(text: string): Omit<ErrorInfo, "status" | "provider" | "body"> {
  let json: unknown;
  try {
    json = text ? parseJson(text) : undefined;
  } catch {
    return { message: plainText(text) };
  }
  return { ...errorFields(json), json };
}

/** Extract the error fields from a parsed body (also used for errors inside streams). */
export function errorFields(json: unknown): { message: string; code?: string; type?: string; param?: string } {
  let e: any = Array.isArray(json) ? json[0] : json;
  if (e && typeof e === "object" && "error" in e && e.error != null) e = e.error;
  if (typeof e === "string") return { message: e };
  if (!e || typeof e !== "object") return { message: json === undefined ? "" : String(json) };
  let message: string =
    typeof e.message === "string" ? e.message
    : typeof e.detail === "string" ? e.detail
    : Array.isArray(e.detail) ? e.detail.map((d: any) => [Array.isArray(d?.loc) ? d.loc.join(".") : "", d?.msg ?? ""].filter(Boolean).join(": ")).join("; ")
    : typeof e.error_description === "string" ? e.error_description
    : safeStringify(e, 500);
  // OpenRouter nests the upstream's message in metadata.raw.
  if (typeof e.metadata?.raw === "string" && !message.includes(e.metadata.raw)) message += ` (${e.metadata.raw.slice(0, 300)})`;
  const out: { message: string; code?: string; type?: string; param?: string } = { message };
  if (e.code != null) out.code = String(e.code);
  if (typeof e.type === "string") out.type = e.type;
  if (typeof e.param === "string") out.param = e.param;
  return out;
}

function plainText(text: string): string {
  // E3: HTML from a proxy: the title or the first text is the useful part.
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const stripped = (title ?? text.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ").trim();
  return stripped.slice(0, 300);
}

const CONTEXT = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|input is too long|reduce the length|exceeds? the (model'?s? )?(maximum|max|context)|num_ctx|input length|tokens? limit exceeded|context_length_exceeded|string_above_max_length|longer than the model/i;
const QUOTA = /insufficient_quota|quota|billing|credits|payment required|exceeded your current/i;
const MODEL_MISSING = /model[^.]*?(not found|does not exist|doesn't exist|not available|unknown|no such)|(unknown|invalid|nonexistent) model|model_not_found|try pulling it/i;

/** Context for mapping one failure. */
export interface ErrorContext {
  provider: string;
  model?: string;
  apiKey?: string;
  hooks?: ProviderHooks;
  headers?: Headers;
  requestId?: string;
  retryAfterMs?: number;
  /** The request, for errors that say what was asked (a 404 not about the model). */
  method?: string;
  url?: string;
}

// What a server answers for a path it does not serve at all (Go's mux, Express, nginx, FastAPI):
// then, and only then, the base URL is the likely mistake. A gateway relaying an upstream's own 404
// says something else, and is quoted instead of second-guessed.
const ROUTE_MISS = /^(404 page not found|not found|cannot (get|post) \S+|no route for .*|the requested url was not found.*|404 not found|\{"detail":"not found"\})?$/i;

/** The one mapping: (status, body text, provider) → typed `LlmError`. */
export function mapHttpError(status: number, text: string, ctx: ErrorContext): LlmError {
  const parsed = parseErrorBody(text);
  const info: ErrorInfo = {
    ...parsed,
    status,
    message: redact(parsed.message, ctx.apiKey),
    body: redact(text.slice(0, SNIPPET), ctx.apiKey),
    provider: ctx.provider,
  };
  if (ctx.headers) info.headers = ctx.headers;
  if (ctx.model) info.model = ctx.model;
  return ctx.hooks?.classifyError?.(info) ?? classify(info, ctx);
}

function classify(info: ErrorInfo, ctx: ErrorContext): LlmError {
  const { status, message, code = "", type = "" } = info;
  const opts = {
    status, provider: info.provider, model: ctx.model, code: info.code, type: info.type, param: info.param,
    requestId: ctx.requestId, body: info.body,
  };
  const said = `${message} ${code} ${type}`;
  const head = `${info.provider} ${status || ""}`.trim();
  const msg = (text: string) => `${head}: ${text || "(no message)"}`;

  // E6: quota exhaustion is not a rate limit, and is not retried.
  if (status === 402 || ((status === 429 || status === 403 || status === 400) && QUOTA.test(said) && !/rate/i.test(code))) {
    return new QuotaExceededError(msg(`${message} — out of quota or credits; check the account's billing`), opts);
  }
  if (status === 429) {
    const e = new RateLimitError(msg(message), opts);
    if (ctx.retryAfterMs !== undefined) e.retryAfterMs = ctx.retryAfterMs;
    return e;
  }
  if (status === 401) return new AuthenticationError(msg(`${message} — check the API key`), opts);
  if (status === 403) return new PermissionDeniedError(msg(message), opts);
  // E7 before E8: "maximum context length of model X" must not read as a missing model.
  if ((status === 400 || status === 413 || status === 422 || status === 500) && CONTEXT.test(said)) {
    return new ContextLengthError(msg(message), opts);
  }
  // E8: model not found is a 404 on some servers (Ollama), a 400 on others (llama.cpp, some vLLM builds).
  if (status === 404 || ((status === 400 || status === 422) && MODEL_MISSING.test(said))) {
    const named = ctx.model !== undefined && mentions(message, ctx.model);
    if (MODEL_MISSING.test(said) || named) return new NotFoundError(msg(ctx.model && !named ? `model "${ctx.model}" not found: ${message}` : message), opts);
    // Not about the model: say what was asked and quote the server. Only a bare route miss hints at the base URL.
    const asked = ctx.url ? `${ctx.method ?? "request"} ${ctx.url}` : "the request";
    const quoted = message ? `the server said "${message}"` : "the server gave no message";
    const hint = ROUTE_MISS.test(message.trim()) ? "; the server has no such endpoint: check baseURL (it ends before /chat/completions, e.g. http://127.0.0.1:11434/v1)" : "";
    const { model: _m, ...rest } = opts;
    return new NotFoundError(msg(`${asked} was not found: ${quoted}${hint}`), rest);
  }
  if (status === 408) {
    const e = new TimeoutError(msg(`${message || "the server timed out the request"}`), opts);
    e.kind = "server";
    return e;
  }
  if (status === 409) return new ConflictError(msg(message), opts);
  if (status >= 500) return new ServerError(msg(message), opts);
  if (status >= 400) {
    let text = message;
    // T12: vLLM refuses `tool_choice: "auto"` unless started with the flag.
    if (/enable-auto-tool-choice/.test(message)) text += ' — start vLLM with `--enable-auto-tool-choice --tool-call-parser <parser>`, or send tool_choice "none"/"required"/a named function';
    const e = new BadRequestError(msg(text), opts);
    // T11: Groq's `tool_use_failed` carries the generation it could not parse.
    const fg = findFailedGeneration(info.json);
    if (fg !== undefined) e.failedGeneration = redact(fg, ctx.apiKey);
    return e;
  }
  return new ServerError(msg(message), opts);
}

/** Whether a message names the model as a word of its own ("m" is not in "the moon"). */
function mentions(message: string, model: string): boolean {
  const at = message.indexOf(model);
  if (at === -1 || !model) return false;
  const word = /[\w.:/-]/;
  for (let i = at; i !== -1; i = message.indexOf(model, i + 1)) {
    const before = message[i - 1];
    const after = message[i + model.length];
    if ((before === undefined || !word.test(before)) && (after === undefined || !word.test(after))) return true;
  }
  return false;
}

function findFailedGeneration(json: unknown): string | undefined {
  const e = (json as any)?.error ?? json;
  const fg = e?.failed_generation;
  return fg === undefined ? undefined : typeof fg === "string" ? fg : safeStringify(fg, 100_000);
}
