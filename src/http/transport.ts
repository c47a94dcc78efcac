import { rejectedParam } from "../core/adapt-request.js";
import { mapHttpError, parseErrorBody } from "../core/error-map.js";
import type { RequestOptions } from "../core/options.js";
import { redact } from "../core/redact.js";
import type { ResolvedConfig } from "../core/resolve-config.js";
import { AbortError, InvalidResponseError, LlmError, QuotaExceededError } from "../errors.js";
import type { LlmWarning } from "../types.js";
import { Attempt } from "./attempt.js";
import { MAX_RETRY_WAIT_MS, backoffDelay, isRetryableStatus, serverRetryHint } from "./retry.js";
import { sleep } from "./sleep.js";

/** One logical request: what to send and how. */
export interface RequestSpec {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** JSON body; may be changed in place when a server rejects a parameter (Q1/Q2). */
  body?: Record<string, unknown>;
  stream: boolean;
  model?: string;
  options: RequestOptions | undefined;
  /** Estimated tokens, for the client-side limiter. */
  tokens?: number;
  warn: (w: LlmWarning) => void;
}

/** A successful response. For streams the attempt stays armed (timeout, idle watchdog) while the body is read. */
export interface Sent {
  response: Response;
  attempt: Attempt;
  requestId: string | undefined;
  /** The parsed JSON body (non-stream requests only). */
  json?: unknown;
}

function requestIdOf(h: Headers): string | undefined {
  return h.get("x-request-id") ?? h.get("request-id") ?? h.get("x-groq-id") ?? undefined;
}

function headersFor(cfg: ResolvedConfig, spec: RequestSpec): Record<string, string> {
  const h: Record<string, string> = { accept: spec.stream ? "text/event-stream" : "application/json" };
  if (spec.body) h["content-type"] = "application/json";
  // Q7: keyless local servers get no Authorization header at all.
  if (cfg.apiKey) h.authorization = `Bearer ${cfg.apiKey}`;
  Object.assign(h, cfg.headers, spec.options?.headers);
  return h;
}

/**
 * The one request path: rate-limit gate, fetch with timeouts and abort, the retry policy, the
 * learned-parameter retry (Q1/Q2), error mapping. Retries happen only before a body is handed out:
 * never after a stream has started.
 */
export async function send(cfg: ResolvedConfig, spec: RequestSpec): Promise<Sent> {
  const o = spec.options ?? {};
  const maxRetries = o.maxRetries ?? cfg.maxRetries;
  const timeout = o.timeout ?? cfg.timeout;
  const url = cfg.baseURL + spec.path;
  const provider = cfg.preset.id;
  const ctx = { provider, model: spec.model, apiKey: cfg.apiKey, hooks: cfg.preset.hooks, url };
  const adapted = new Set<string>();
  let retries = 0;
  for (;;) {
    if (o.signal?.aborted) throw new AbortError(`${provider}: request aborted before it was sent`, { provider, cause: o.signal.reason });
    if (!cfg.limiter.tryAcquire(spec.tokens ?? 1)) {
      try {
        await cfg.limiter.acquire(spec.tokens ?? 1, o.signal);
      } catch (cause) {
        throw new AbortError(`${provider}: request aborted while waiting for the rate limiter`, { provider, cause });
      }
    }
    const attempt = new Attempt(o.signal, timeout, provider);
    let failure: LlmError;
    let hint: number | undefined;
    try {
      const response = await cfg.fetch(url, {
        method: spec.method,
        headers: headersFor(cfg, spec),
        body: spec.body ? JSON.stringify(spec.body) : undefined,
        signal: attempt.controller.signal,
      });
      cfg.limiter.observe(response.headers);
      const requestId = requestIdOf(response.headers);
      if (response.ok) {
        if (spec.stream) return { response, attempt, requestId };
        const text = await response.text();
        attempt.cleanup();
        let json: unknown;
        try {
          // An empty 200 (Ollama's /api/delete) is a success without a body.
          json = text === "" ? null : JSON.parse(text);
        } catch {
          throw new InvalidResponseError(`${provider}: the response is not JSON (status ${response.status})`, {
            status: response.status, provider, requestId, body: redact(text.slice(0, 2000), cfg.apiKey),
          });
        }
        // E4: a gateway's HTTP 200 carrying only an error is an error.
        const err = (json as { error?: unknown } | null)?.error;
        if (err == null || (json as { choices?: unknown }).choices || (json as { data?: unknown }).data) return { response, attempt, requestId, json };
        const code = Number((err as { code?: unknown }).code);
        const status = code >= 400 && code < 600 ? code : 500;
        failure = mapHttpError(status, text, { ...ctx, requestId });
      } else {
        const text = await response.text();
        attempt.cleanup();
        const parsed = parseErrorBody(text);
        hint = serverRetryHint(response.headers, parsed.message);
        failure = mapHttpError(response.status, text, { ...ctx, headers: response.headers, requestId, retryAfterMs: hint });
        // Q1/Q2: a 400/422 naming a parameter we sent: fix the request once, remember for the client's lifetime.
        if ((response.status === 400 || response.status === 422) && spec.body) {
          const r = rejectedParam(spec.body, parsed.message + " " + text.slice(0, 1000), parsed.param);
          if (r && !adapted.has(r.param)) {
            adapted.add(r.param);
            cfg.learned.set(r.param, r.action);
            applyFix(spec.body, r.param, r.action, provider, spec.warn);
            continue;
          }
        }
        if (response.headers.get("x-should-retry") === "false") throw failure;
      }
    } catch (cause) {
      attempt.cleanup();
      if (cause instanceof LlmError) throw cause;
      failure = attempt.error(cause, `${spec.method} ${spec.path}`);
      if (failure instanceof AbortError) throw failure;
    }
    const retryable = failure.status === undefined || (isRetryableStatus(failure.status) && !(failure instanceof QuotaExceededError));
    if (!retryable || retries >= maxRetries) throw failure;
    // A server that asks for longer than we will wait gets its answer now, with the hint on the error.
    if (hint !== undefined && hint > MAX_RETRY_WAIT_MS) throw failure;
    const wait = hint ?? backoffDelay(retries);
    retries++;
    try {
      await sleep(wait, o.signal);
    } catch (cause) {
      throw new AbortError(`${provider}: request aborted while waiting to retry`, { provider, cause });
    }
  }
}

function applyFix(body: Record<string, unknown>, param: string, action: "drop" | "rename" | "json-schema", provider: string, warn: (w: LlmWarning) => void): void {
  if (action === "rename") {
    const to = param === "max_tokens" ? "max_completion_tokens" : "max_tokens";
    body[to] = body[param];
    delete body[param];
    warn({ type: "param-renamed", param, message: `${provider} rejected \`${param}\`; retried as \`${to}\` (remembered for this client)` });
  } else if (action === "json-schema") {
    body.response_format = { type: "json_schema", json_schema: { name: "json_object", schema: { type: "object" } } };
    warn({ type: "param-mapped", param, message: `${provider} rejected json_object; retried with a json_schema accepting any object (remembered)` });
  } else {
    delete body[param];
    warn({ type: "param-dropped", param, message: `${provider} rejected \`${param}\`; retried without it (remembered for this client)` });
  }
}
