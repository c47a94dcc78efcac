import { STATUS_CODES } from "node:http";
import type { Logger, RetryInfo } from "../core/options.js";
import { LlmError, RateLimitError, TimeoutError } from "../errors.js";
import { err, styler } from "./output.js";

/** `50 ms`, `2.0 s`: a wait as a person reads it. */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
};

/** Why an attempt failed, in a few words: `503 Service Unavailable`, `connection refused`. */
export function shortCause(e: LlmError): string {
  if (e.status !== undefined) return `${e.status} ${STATUS_CODES[e.status] ?? ""}`.trim();
  if (e instanceof TimeoutError) return e.kind === "idle" ? "the stream went silent" : "timed out";
  // fetch's TypeError("fetch failed") wraps the system error that has the code.
  const c = e.cause as { code?: string; cause?: { code?: string } } | undefined;
  const code = c?.cause?.code ?? c?.code;
  if (code && CAUSES[code]) return CAUSES[code];
  // "ollama: POST http://…/chat/completions failed: fetch failed: bad port" → "fetch failed: bad port"
  const msg = e.message.replace(/^[\w.-]+: /, "").replace(/^[A-Z]+ \S+ failed: /, "").split(" — ")[0]!;
  return msg.length > 100 ? `${msg.slice(0, 99)}…` : msg;
}

/** The line shown for each retry, so a slow answer is not a silent one. */
export function retryLine(info: RetryInfo): string {
  return `retrying in ${formatDelay(info.delayMs)} (attempt ${info.attempt} of ${info.maxAttempts}): ${shortCause(info.error)}`;
}

/** `onRetry` for every client the CLI makes. */
export function reportRetry(info: RetryInfo): void {
  err.line(retryLine(info), styler(process.stderr).dim);
}

/**
 * The library's log, on stderr: stdout carries only the answer, and the library's default
 * (console) would write debug lines into it. Used with `MIMIR_LLM_LOG` as well as `--verbose`.
 */
export const stderrLogger: Logger = (() => {
  const write = (message: string, data?: Record<string, unknown>) => err.line(data === undefined ? message : `${message} ${JSON.stringify(data)}`, styler(process.stderr).dim);
  return { debug: write, info: write, warn: write, error: write };
})();

/** What `--verbose` prints about a failure: every field that helps find out why (errors carry no key). */
export function errorDetails(e: LlmError): Record<string, unknown> {
  const { status, provider, model, code, type, param, requestId, url, attempts, body } = e;
  const cause = e.cause instanceof Error ? [e.cause, (e.cause as { cause?: unknown }).cause].filter((c): c is Error => c instanceof Error).map((c) => `${c.name}: ${c.message}${(c as { code?: string }).code ? ` (${(c as { code?: string }).code})` : ""}`).join(" ← ") : undefined;
  return {
    name: e.name, status, provider, model, code, type, param, requestId, url, attempts,
    retryAfterMs: (e as RateLimitError).retryAfterMs,
    timeout: e instanceof TimeoutError ? e.kind : undefined,
    body, cause,
  };
}
