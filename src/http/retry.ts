import { parseDuration, retryHintFromMessage } from "./durations.js";

/** Statuses worth another try: timeouts, lock conflicts, rate limits, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait the server asked for, in ms (E5), from the first hint present:
 * `retry-after-ms`, `retry-after` (seconds or an HTTP date), `x-ratelimit-reset-*` for the
 * exhausted limit ("2m59.56s"), then the message text ("try again in 970ms").
 */
export function serverRetryHint(headers: Headers | undefined, message = ""): number | undefined {
  if (headers) {
    const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
    if (Number.isFinite(ms) && ms >= 0) return ms;
    const ra = headers.get("retry-after");
    if (ra) {
      const secs = Number(ra);
      if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
      const date = Date.parse(ra);
      if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
    }
    const reset = rateLimitReset(headers);
    if (reset !== undefined) return reset;
  }
  return retryHintFromMessage(message);
}

/**
 * When a rate-limit window reopens, from `x-ratelimit-reset-{requests,tokens}` (OpenAI, Groq).
 * Prefers the window whose `remaining` is 0; otherwise the longest.
 */
export function rateLimitReset(headers: Headers, onlyExhausted = false): number | undefined {
  let exhausted: number | undefined;
  let longest: number | undefined;
  for (const kind of ["requests", "tokens"]) {
    const reset = parseDuration(headers.get(`x-ratelimit-reset-${kind}`));
    if (reset === undefined) continue;
    longest = Math.max(longest ?? 0, reset);
    if (headers.get(`x-ratelimit-remaining-${kind}`)?.trim() === "0") exhausted = Math.max(exhausted ?? 0, reset);
  }
  return exhausted ?? (onlyExhausted ? undefined : longest);
}

/** Jittered exponential backoff for the given retry (0-based): 0.5 s, 1 s, 2 s … capped at 8 s, minus up to 25 %. */
export function backoffDelay(retry: number): number {
  const base = Math.min(500 * 2 ** retry, 8000);
  return base * (1 - Math.random() * 0.25);
}

/** A server hint longer than this is not waited out: the error is thrown with the hint instead. */
export const MAX_RETRY_WAIT_MS = 60_000;
