/**
 * CORS for the simulator's HTTP server, so a web app under test (served from another origin) can
 * talk to it from a browser. Pure header data; the server applies it.
 */

/** Response headers a client needs to read across origins: request ids and the rate-limit hints (E5). */
const EXPOSED = [
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "x-ratelimit-limit-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-requests",
  "x-ratelimit-reset-tokens",
];

/** Headers a browser lets a script read without being told (the CORS-safelisted response headers). */
const SAFELISTED = new Set(["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"]);

/** A preflight: `OPTIONS` with `Access-Control-Request-Method`. Answered here, never seen by the engine. */
export function isPreflight(method: string, headers: Record<string, string>): boolean {
  return method === "OPTIONS" && headers["access-control-request-method"] !== undefined;
}

/** The 204 answer to a preflight: any origin, the methods the simulator serves, the headers asked for. */
export function preflightHeaders(headers: Record<string, string>): Record<string, string> {
  return {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "access-control-allow-headers": headers["access-control-request-headers"] || "authorization, content-type",
    "access-control-max-age": "86400",
    "content-length": "0",
  };
}

/** `response` plus the CORS headers every answer carries; scripted extra headers are exposed too. */
export function withCors(response: Record<string, string>): Record<string, string> {
  const own = Object.keys(response).map((k) => k.toLowerCase()).filter((k) => !SAFELISTED.has(k) && !EXPOSED.includes(k));
  return { ...response, "access-control-allow-origin": "*", "access-control-expose-headers": [...EXPOSED, ...own].join(", ") };
}
