import { ConfigError } from "../errors.js";
import { RateLimiter } from "../http/rate-limiter.js";
import { genericPreset, presets } from "../providers/index.js";
import type { ProviderPreset } from "../providers/preset.js";
import type { ClientOptions, FetchLike } from "./options.js";

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
  /** Q1/Q2: what servers rejected, learned at run time and remembered for this client's lifetime. */
  learned: Map<string, "drop" | "rename" | "json-schema">;
}

function env(name: string | undefined): string | undefined {
  if (!name) return undefined;
  // The core runs where there is no `process` (browsers, Deno without --allow-env): read it only if present.
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === undefined || value === "" ? undefined : value;
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

function checkNumber(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
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
    const found = presets[options.provider];
    if (!found) {
      throw new ConfigError(`unknown provider "${options.provider}"; known: ${Object.keys(presets).join(", ")}; or pass baseURL, or a preset from defineProvider()`);
    }
    preset = found;
  } else preset = checkPreset(options.provider);

  const fromEnv = env(preset.baseURLEnv);
  const rawBase = options.baseURL ?? (fromEnv ? hostToBaseURL(fromEnv) : preset.baseURL);
  if (!rawBase) throw new ConfigError(`provider "${preset.id}" has no baseURL; pass baseURL`);
  const baseURL = checkBaseURL(rawBase, preset.id);

  if (options.apiKey !== undefined && typeof options.apiKey !== "string") throw new ConfigError("apiKey must be a string");
  const apiKey = options.apiKey || env(preset.apiKeyEnv);
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
  return {
    preset,
    baseURL,
    apiKey,
    model: options.model ?? preset.defaultModel,
    embeddingModel: options.embeddingModel ?? preset.defaultEmbeddingModel,
    maxRetries: Math.floor(checkNumber(options.maxRetries, "maxRetries", 2, 0)),
    timeout: checkNumber(options.timeout, "timeout", 600_000, 1),
    idleTimeout: checkNumber(options.idleTimeout, "idleTimeout", 60_000, 1),
    headers: { ...options.headers },
    defaults: options.defaults && Object.keys(options.defaults).length ? { ...options.defaults } : undefined,
    thinkTags: options.thinkTags ?? preset.capabilities?.thinkTags ?? false,
    fetch: options.fetch ? options.fetch : (input, init) => globalThis.fetch(input, init),
    limiter: new RateLimiter(rl),
    onWarning: options.onWarning,
    learned: new Map(),
  };
}
