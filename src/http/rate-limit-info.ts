import { parseDuration } from "./durations.js";

/** What the server's `x-ratelimit-*` headers said (OpenAI, Groq, OpenRouter, Together…); each field only when sent. */
export interface RateLimitInfo {
  limitRequests?: number;
  remainingRequests?: number;
  /** Until the request window resets, in ms. */
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  /** Until the token window resets, in ms. */
  resetTokensMs?: number;
}

const num = (v: string | null) => {
  if (v === null || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** Read the rate-limit headers of a response. */
export function rateLimitInfo(headers: Headers): RateLimitInfo {
  const out: RateLimitInfo = {};
  const set = <K extends keyof RateLimitInfo>(k: K, v: number | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("limitRequests", num(headers.get("x-ratelimit-limit-requests")));
  set("remainingRequests", num(headers.get("x-ratelimit-remaining-requests")));
  set("resetRequestsMs", parseDuration(headers.get("x-ratelimit-reset-requests")));
  set("limitTokens", num(headers.get("x-ratelimit-limit-tokens")));
  set("remainingTokens", num(headers.get("x-ratelimit-remaining-tokens")));
  set("resetTokensMs", parseDuration(headers.get("x-ratelimit-reset-tokens")));
  return out;
}
