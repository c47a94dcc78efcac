import type { CallContext } from "../core/call.js";
import { mapHttpError, parseErrorBody } from "../core/error-map.js";
import { parseJson } from "../core/json.js";
import { redact, scrubError } from "../core/redact.js";
import type { ResolvedConfig } from "../core/resolve-config.js";
import { AbortError, InvalidResponseError, LlmError, QuotaExceededError } from "../errors.js";
import { Attempt } from "./attempt.js";
import { readBody } from "./read-body.js";
import { MAX_RETRY_WAIT_MS, backoffDelay, isRetryableStatus, serverRetryHint } from "./retry.js";
import { sleep } from "./sleep.js";

/** Error bodies are read up to this size: only a snippet and the error fields are kept of them. */
const MAX_ERROR_BODY = 1024 * 1024;

/** One logical request: what to send and how. */
export interface RequestSpec {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** JSON body; `onRejected` may change it in place before a resend. */
  body?: Record<string, unknown>;
  stream: boolean;
  model?: string;
  call: CallContext;
  /** Estimated tokens, for the client-side limiter. */
  tokens?: number;
  /**
   * A 400/422 answered this body: return true when the body was fixed so that sending it again may
   * succeed (Q1/Q2: a rejected parameter). The transport resends at once, without counting a retry.
   */
  onRejected?(message: string, param: string | undefined): boolean;
}

/** A successful response. For streams the attempt stays armed (timeout, idle watchdog) while the body is read. */
export interface Sent {
  response: Response;
  attempt: Attempt;
  requestId: string | undefined;
  /** The parsed JSON body (non-stream requests only). */
  json?: unknown;
  /** The URL requested. */
  url: string;
}

function requestIdOf(h: Headers): string | undefined {
  return h.get("x-request-id") ?? h.get("request-id") ?? h.get("x-groq-id") ?? undefined;
}

function headersFor(cfg: ResolvedConfig, spec: RequestSpec): Record<string, string> {
  const h: Record<string, string> = { accept: spec.stream ? "text/event-stream" : "application/json" };
  if (spec.body) h["content-type"] = "application/json";
  // Q7: keyless local servers get no Authorization header at all.
  if (cfg.apiKey) h.authorization = `Bearer ${cfg.apiKey}`;
  Object.assign(h, cfg.headers, spec.call.headers);
  return h;
}

/** The URL as errors and logs show it: no query string (a key may have been put there), no credentials. */
function shownURL(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** What the caller is told about the final failure: the request made and how many attempts it took. */
function settle(e: LlmError, method: string, url: string, attempts: number, model: string | undefined, apiKey: string | undefined): LlmError {
  e.url ??= url;
  e.attempts ??= attempts;
  if (model !== undefined && e.model === undefined && e.status !== 404) e.model = model;
  const said: string[] = [];
  if (!e.message.includes(url)) said.push(`${method} ${url}`);
  if (attempts > 1) said.push(`${attempts} attempts`);
  if (said.length && !(e instanceof AbortError)) e.message += ` [${said.join(", ")}]`;
  return scrubError(e, apiKey);
}

/**
 * The one request path: rate-limit gate, fetch with timeouts and abort, the retry policy, the
 * caller's fix for a rejected request (`onRejected`), error mapping, logging. Retries happen only
 * before a body is handed out: never after a stream has started. It knows nothing about chat.
 */
export async function send(cfg: ResolvedConfig, spec: RequestSpec): Promise<Sent> {
  const { call, method } = spec;
  const url = cfg.baseURL + spec.path;
  const shown = shownURL(url);
  const provider = cfg.preset.id;
  const log = cfg.log;
  const ctx = { provider, model: spec.model, apiKey: cfg.apiKey, hooks: cfg.preset.hooks, method, url: shown };
  const maxAttempts = call.maxRetries + 1;
  let attempts = 0;
  let retries = 0;
  const fail = (e: LlmError) => settle(e, method, shown, attempts, spec.model, cfg.apiKey);
  for (;;) {
    if (call.signal?.aborted) throw fail(new AbortError(`${provider}: request aborted before it was sent`, { provider, cause: call.signal.reason }));
    if (!cfg.limiter.tryAcquire(spec.tokens ?? 1)) {
      if (log.enabled("debug")) log.debug(`${method} ${shown} waits for the client-side rate limiter`);
      try {
        await cfg.limiter.acquire(spec.tokens ?? 1, call.signal);
      } catch (cause) {
        throw fail(new AbortError(`${provider}: request aborted while waiting for the rate limiter`, { provider, cause }));
      }
    }
    attempts++;
    const attempt = new Attempt(call.signal, call.timeout, provider, cfg.preset.connectionHint);
    const started = Date.now();
    if (log.enabled("debug")) log.debug(`${method} ${shown} (attempt ${attempts} of ${maxAttempts})`, { model: spec.model, stream: spec.stream });
    let failure: LlmError;
    let hint: number | undefined;
    try {
      const response = await cfg.fetch(url, {
        method,
        headers: headersFor(cfg, spec),
        body: spec.body ? JSON.stringify(spec.body) : undefined,
        signal: attempt.controller.signal,
      });
      cfg.limiter.observe(response.headers);
      const requestId = requestIdOf(response.headers);
      if (log.enabled("debug")) log.debug(`${method} ${shown} → ${response.status} in ${Date.now() - started} ms`, { requestId });
      if (response.ok) {
        if (spec.stream) return { response, attempt, requestId, url: shown };
        const { text } = await readBody(response, cfg.maxBodySize, provider);
        attempt.cleanup();
        let json: unknown;
        try {
          // An empty 200 (Ollama's /api/delete) is a success without a body.
          json = text === "" ? null : parseJson(text);
        } catch {
          throw new InvalidResponseError(`${provider}: the response is not JSON (status ${response.status}, content-type ${response.headers.get("content-type") ?? "none"})`, {
            status: response.status, provider, requestId, body: redact(text.slice(0, 2000), cfg.apiKey),
          });
        }
        // E4: a gateway's HTTP 200 carrying only an error is an error.
        const err = (json as { error?: unknown } | null)?.error;
        if (err == null || (json as { choices?: unknown }).choices || (json as { data?: unknown }).data) return { response, attempt, requestId, json, url: shown };
        const code = Number((err as { code?: unknown }).code);
        const status = code >= 400 && code < 600 ? code : 500;
        failure = mapHttpError(status, text, { ...ctx, requestId });
      } else {
        const { text } = await readBody(response, Math.min(cfg.maxBodySize, MAX_ERROR_BODY), provider, true);
        attempt.cleanup();
        const parsed = parseErrorBody(text);
        hint = serverRetryHint(response.headers, parsed.message);
        failure = mapHttpError(response.status, text, { ...ctx, headers: response.headers, requestId, retryAfterMs: hint });
        if ((response.status === 400 || response.status === 422) && spec.onRejected?.(`${parsed.message} ${text.slice(0, 1000)}`, parsed.param)) {
          if (log.enabled("info")) log.info(`${method} ${shown}: the server rejected a parameter; resending the fixed request`, { status: response.status });
          attempts--;
          continue;
        }
        if (response.headers.get("x-should-retry") === "false") throw failure;
      }
    } catch (cause) {
      attempt.cleanup();
      if (cause instanceof LlmError) throw fail(cause);
      failure = attempt.error(cause, `${method} ${shown}`);
      if (failure instanceof AbortError) throw fail(failure);
    }
    const retryable = failure.status === undefined || (isRetryableStatus(failure.status) && !(failure instanceof QuotaExceededError));
    // A server that asks for longer than we will wait gets its answer now, with the hint on the error.
    if (!retryable || retries >= call.maxRetries || (hint !== undefined && hint > MAX_RETRY_WAIT_MS)) {
      if (log.enabled("error")) log.error(`${method} ${shown} failed: ${failure.message}`, { status: failure.status, attempts, requestId: failure.requestId });
      throw fail(failure);
    }
    const wait = hint ?? backoffDelay(retries);
    retries++;
    scrubError(failure, cfg.apiKey);
    if (log.enabled("info")) log.info(`retrying ${method} ${shown} in ${(wait / 1000).toFixed(1)} s (attempt ${attempts + 1} of ${maxAttempts}): ${failure.message}`);
    call.onRetry?.({ attempt: attempts + 1, maxAttempts, delayMs: wait, error: failure, method, url: shown });
    try {
      await sleep(wait, call.signal);
    } catch (cause) {
      throw fail(new AbortError(`${provider}: request aborted while waiting to retry`, { provider, cause }));
    }
  }
}
