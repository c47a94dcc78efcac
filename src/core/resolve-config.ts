import { ConfigError } from "../errors.js";
import { RateLimiter } from "../http/rate-limiter.js";
import { genericPreset, isPresetId, presets } from "../providers/index.js";
import type { ProviderPreset } from "../providers/preset.js";
import { readEnv } from "./env.js";
import { createLog, isLogLevel, type Log } from "./log.js";
import type { ClientOptions, FetchLike, RetryInfo } from "./options.js";

/** How a rejected parameter is fixed; for `response_format`, the structured-output strategy the server takes (see request-fixes.ts). */
export type Fix = "drop" | "rename" | "json-schema" | "json-object" | "prompt" | "mention-json";

/** A client's settings after validation: computed once, read by every request. */
export interface ResolvedConfig {
  preset: ProviderPreset;
  baseURL: string;
  apiKey: string | undefined;
  model: string | undefined;
  embeddingModel: string | undefined;
  maxRetries: number;
  timeout: number;
  idleTimeout: number;
  headers: Record<string, string>;
  defaults: Record<string, unknown> | undefined;
  thinkTags: boolean;
  fetch: FetchLike;
  limiter: RateLimiter;
  onWarning: ClientOptions["onWarning"];
  onRetry: ((info: RetryInfo) => void) | undefined;
  log: Log;
  maxBodySize: number;
  maxStreamSize: number;
  maxEventSize: number;
  /** Q1/Q2: what servers rejected, learned at run time and remembered for this client's lifetime. */
  learned: Map<string, Fix>;
}

/** `OLLAMA_HOST` may be `0.0.0.0:11434`, `host`, or a URL without `/v1`: make it the `/v1` base URL. */
function hostToBaseURL(host: string): string {
  let h = host.trim();
  if (!/^[a-z]+:\/\//i.test(h)) h = `http://${h}`;
  const u = new URL(h);
  if (u.hostname === "0.0.0.0") u.hostname = "127.0.0.1";
  if (!u.port && host.indexOf(":") === -1) u.port = "11434";
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.origin}${path.endsWith("/v1") ? path : `${path}/v1`}`;
}

function checkBaseURL(url: string, who: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${who}: baseURL "${url}" is not a valid URL; give a full URL such as "http://127.0.0.1:11434/v1"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigError(`${who}: baseURL "${url}" must use http or https`);
  }
  if (u.username || u.password) throw new ConfigError(`${who}: baseURL must not contain credentials; pass apiKey instead`);
  return url.replace(/\/+$/, "");
}

/** A number option: `fallback` when absent, a `ConfigError` naming it when not a finite number ≥ `min`. */
export function checkNumber(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A callback option: undefined, or a `ConfigError` naming it when not a function. */
export function checkFunction<F>(value: unknown, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new ConfigError(`${name} must be a function, got ${typeof value}`);
  return value as F;
}

/** A headers option: a plain object of strings. */
export function checkHeaders(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${name} must be an object of header names to strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new ConfigError(`${name}["${k}"] must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function checkPreset(p: ProviderPreset): ProviderPreset {
  if (!p || typeof p !== "object" || typeof p.id !== "string" || !p.id) {
    throw new ConfigError("a provider preset needs a non-empty string `id` (see defineProvider)");
  }
  if (typeof p.baseURL !== "string") throw new ConfigError(`provider "${p.id}": \`baseURL\` must be a string`);
  if (typeof p.keyRequired !== "boolean") throw new ConfigError(`provider "${p.id}": \`keyRequired\` must be true or false`);
  return p;
}

/** Validate options once, at `createClient`; every user mistake is a `ConfigError` saying what to do. */
export function resolveConfig(options: ClientOptions = {}): ResolvedConfig {
  if (typeof options !== "object" || options === null) throw new ConfigError("createClient expects an options object");
  let preset: ProviderPreset;
  if (options.provider === undefined) {
    if (!options.baseURL) {
      throw new ConfigError(`no provider: pass { provider: "ollama" } (one of: ${Object.keys(presets).join(", ")}) or { baseURL } for any OpenAI-compatible server`);
    }
    preset = genericPreset;
  } else if (typeof options.provider === "string") {
    const id: string = options.provider;
    const found = isPresetId(id) ? presets[id] : undefined;
    if (!found) {
      throw new ConfigError(`unknown provider "${options.provider}"; known: ${Object.keys(presets).join(", ")}; or pass baseURL, or a preset from defineProvider()`);
    }
    preset = found;
  } else preset = checkPreset(options.provider);

  // The base-URL variable (OLLAMA_HOST) is read only when no baseURL was given: a Deno program
  // without env access, or one that names its server, must not depend on it.
  const fromEnv = options.baseURL === undefined ? readEnv(preset.baseURLEnv) : undefined;
  const rawBase = options.baseURL ?? (fromEnv ? hostToBaseURL(fromEnv) : preset.baseURL);
  if (!rawBase) throw new ConfigError(`provider "${preset.id}" has no baseURL; pass baseURL`);
  const baseURL = checkBaseURL(rawBase, preset.id);

  if (options.apiKey !== undefined && typeof options.apiKey !== "string") throw new ConfigError("apiKey must be a string");
  const apiKey = options.apiKey || readEnv(preset.apiKeyEnv);
  if (preset.keyRequired && !apiKey) {
    throw new ConfigError(`provider "${preset.id}" needs an API key: set ${preset.apiKeyEnv ?? "its key variable"} or pass apiKey`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw new ConfigError("fetch must be a function");
  if (!options.fetch && typeof globalThis.fetch !== "function") throw new ConfigError("no fetch in this runtime: pass { fetch }");
  const rl = options.rateLimit;
  if (rl !== undefined) {
    checkNumber(rl.requestsPerMinute, "rateLimit.requestsPerMinute", 0, 0);
    checkNumber(rl.tokensPerMinute, "rateLimit.tokensPerMinute", 0, 0);
  }
  if (options.logLevel !== undefined && !isLogLevel(options.logLevel)) {
    throw new ConfigError(`logLevel must be one of debug, info, warn, error, silent; got ${JSON.stringify(options.logLevel)}`);
  }
  const logger = options.logger;
  if (logger !== undefined && (typeof logger !== "object" || logger === null || (["debug", "info", "warn", "error"] as const).some((l) => typeof logger[l] !== "function"))) {
    throw new ConfigError("logger must have debug, info, warn and error methods (console fits)");
  }
  const limits = options.limits ?? {};
  return {
    preset,
    baseURL,
    apiKey,
    model: options.model ?? preset.defaultModel,
    embeddingModel: options.embeddingModel ?? preset.defaultEmbeddingModel,
    maxRetries: Math.floor(checkNumber(options.maxRetries, "maxRetries", 2, 0)),
    timeout: checkNumber(options.timeout, "timeout", 600_000, 1),
    idleTimeout: checkNumber(options.idleTimeout, "idleTimeout", 60_000, 1),
    headers: checkHeaders(options.headers, "headers"),
    defaults: options.defaults && Object.keys(options.defaults).length ? { ...options.defaults } : undefined,
    thinkTags: options.thinkTags ?? preset.capabilities?.thinkTags ?? false,
    fetch: options.fetch ? options.fetch : (input, init) => globalThis.fetch(input, init),
    limiter: new RateLimiter(rl),
    onWarning: checkFunction(options.onWarning, "onWarning"),
    onRetry: checkFunction(options.onRetry, "onRetry"),
    log: createLog(options.logLevel, logger),
    maxBodySize: checkNumber(limits.maxBodySize, "limits.maxBodySize", 128 * 1024 * 1024, 1),
    maxStreamSize: checkNumber(limits.maxStreamSize, "limits.maxStreamSize", 2 * 1024 * 1024 * 1024, 1),
    maxEventSize: checkNumber(limits.maxEventSize, "limits.maxEventSize", 16 * 1024 * 1024, 1),
    learned: new Map(),
  };
}
