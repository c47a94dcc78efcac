import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import type { RateLimitOptions } from "../http/rate-limiter.js";
import { presetById, presets } from "../providers/index.js";
import { mockPreset } from "../testing/mock-preset.js";
import { parseYaml, YamlError } from "./yaml.js";

/** One named model configuration from the config file. */
export interface Profile {
  name: string;
  /** A preset id (or `mock`, the offline simulator); or omit it and give `baseURL`. */
  provider?: string;
  baseURL?: string;
  model?: string;
  embeddingModel?: string;
  /** The environment variable holding the key (`apiKey: { env: NAME }` or `apiKeyEnv: NAME` in the file). */
  apiKeyEnv?: string;
  /** A key written in clear: only accepted with `allowPlaintextKeys: true` at the top of the file. */
  apiKey?: string;
  /** Default request parameters: temperature, max_tokens, top_p, … */
  params?: Record<string, unknown>;
  rateLimit?: RateLimitOptions;
  timeout?: number;
  idleTimeout?: number;
  maxRetries?: number;
  /** What this profile serves [both]. */
  endpoints?: ("chat" | "embeddings")[];
}

/** A loaded, validated config file. */
export interface LoadedConfig {
  /** The file it came from. */
  path: string;
  /** The profile used when none is named. */
  default?: string;
  profiles: Record<string, Profile>;
}

export interface LoadConfigOptions {
  /** An explicit file; otherwise `MIMIR_LLM_CONFIG`, then the working directory, then `$XDG_CONFIG_HOME/mimir-llm/`. */
  path?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

const NAMES = ["mimir-llm.yaml", "mimir-llm.yml", "mimir-llm.json"];
const XDG_NAMES = ["config.yaml", "config.yml", "config.json", ...NAMES];

/** Where the config file is, or undefined when there is none (an explicit path that does not exist is an error). */
export function findConfigFile(options: LoadConfigOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.MIMIR_LLM_CONFIG;
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new ConfigError(`config file ${p} does not exist${options.path ? "" : " (from MIMIR_LLM_CONFIG)"}`);
    return p;
  }
  for (const n of NAMES) if (existsSync(join(cwd, n))) return join(cwd, n);
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  for (const n of XDG_NAMES) if (existsSync(join(xdg, "mimir-llm", n))) return join(xdg, "mimir-llm", n);
  return undefined;
}

/**
 * Find, read and validate the config file. Every mistake is a `ConfigError` naming the file, the
 * field and what is wrong. Returns undefined when there is no file at all.
 *
 * @example
 * // mimir-llm.yaml
 * // default: local
 * // profiles:
 * //   - name: local
 * //     provider: ollama
 * //     model: llama3.2
 * //   - name: fast
 * //     provider: groq
 * //     model: llama-3.1-8b-instant
 * //     apiKey: { env: GROQ_API_KEY }
 * //     params: { temperature: 0.7, max_tokens: 512 }
 * //     rateLimit: { requestsPerMinute: 30 }
 * const config = loadConfig();
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig | undefined {
  const path = findConfigFile(options);
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`${path}: cannot read it (${(e as Error).message})`);
  }
  return parseConfig(text, path);
}

/** Validate config text (YAML or JSON by the file's extension). */
export function parseConfig(text: string, path: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const what = e instanceof YamlError ? e.message : `invalid JSON: ${(e as Error).message}`;
    throw new ConfigError(`${path}: ${what}`);
  }
  const v = new Validator(path);
  if (!isObject(raw)) v.fail("", "the file must be a mapping with `profiles`");
  const root = raw as Record<string, unknown>;
  v.keys(root, "", ["default", "profiles", "allowPlaintextKeys"]);
  const plaintext = v.bool(root.allowPlaintextKeys, "allowPlaintextKeys") ?? false;
  const list = root.profiles;
  let entries: [string, unknown][] = [];
  if (Array.isArray(list)) entries = list.map((p, i) => [`profiles[${i}]`, p]);
  else if (isObject(list)) entries = Object.entries(list).map(([name, p]) => [`profiles.${name}`, isObject(p) && p.name === undefined ? { ...p, name } : p]);
  else v.fail("profiles", "expected a list (or mapping) of profiles");
  const profiles: Record<string, Profile> = {};
  for (const [at, p] of entries) {
    const profile = v.profile(p, at, plaintext);
    if (profiles[profile.name]) v.fail(`${at}.name`, `duplicate profile name "${profile.name}"`);
    profiles[profile.name] = profile;
  }
  const def = v.str(root.default, "default");
  if (def !== undefined && !profiles[def]) v.fail("default", `no profile named "${def}" (have: ${Object.keys(profiles).join(", ") || "none"})`);
  return { path, default: def, profiles };
}

/**
 * The error for a config file in play with no profile named and no `default:` to fall back on:
 * which file, which profiles it has, how to pick one.
 */
export function noProfileChosen(config: LoadedConfig): string {
  const names = Object.keys(config.profiles);
  if (!names.length) return `${config.path} has no profiles: add one under \`profiles:\``;
  return `${config.path}: which profile? The file has no \`default:\` and none was named (profiles: ${names.join(", ")}). Pick one with --profile NAME (profile: "NAME" in code), or add \`default: NAME\` to the file`;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

class Validator {
  constructor(private readonly path: string) {}

  fail(field: string, what: string): never {
    throw new ConfigError(`${this.path}: ${field ? `${field}: ` : ""}${what}`);
  }

  keys(obj: Record<string, unknown>, at: string, allowed: string[]): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) this.fail(at ? `${at}.${k}` : k, `unknown field (allowed: ${allowed.join(", ")})`);
    }
  }

  str(x: unknown, at: string): string | undefined {
    if (x === undefined || x === null) return undefined;
    if (typeof x !== "string" || !x) this.fail(at, `expected a non-empty string, got ${JSON.stringify(x)}`);
    return x;
  }

  num(x: unknown, at: string, min = 0): number | undefined {
    if (x === undefined || x === null) return undefined;
    if (typeof x !== "number" || !Number.isFinite(x) || x < min) this.fail(at, `expected a number ≥ ${min}, got ${JSON.stringify(x)}`);
    return x;
  }

  bool(x: unknown, at: string): boolean | undefined {
    if (x === undefined || x === null) return undefined;
    if (typeof x !== "boolean") this.fail(at, `expected true or false, got ${JSON.stringify(x)}`);
    return x;
  }

  profile(p: unknown, at: string, plaintext: boolean): Profile {
    if (!isObject(p)) this.fail(at, "expected a mapping");
    this.keys(p, at, ["name", "provider", "baseURL", "model", "embeddingModel", "apiKey", "apiKeyEnv", "params", "rateLimit", "timeout", "idleTimeout", "maxRetries", "endpoints"]);
    const name = this.str(p.name, `${at}.name`) ?? this.fail(`${at}.name`, "every profile needs a name");
    const out: Profile = { name };
    const provider = this.str(p.provider, `${at}.provider`);
    if (provider !== undefined) {
      // `mock` is a provider here as on the command line: a profile to try things with, offline.
      if (!presetById(provider) && provider !== mockPreset.id) this.fail(`${at}.provider`, `unknown provider "${provider}" (known: ${[...Object.keys(presets), mockPreset.id].join(", ")})`);
      out.provider = provider;
    }
    const baseURL = this.str(p.baseURL, `${at}.baseURL`);
    if (baseURL !== undefined) {
      if (!/^https?:\/\/[^\s]+$/.test(baseURL)) this.fail(`${at}.baseURL`, `expected an http(s) URL, got "${baseURL}"`);
      out.baseURL = baseURL;
    }
    if (!provider && !baseURL) this.fail(at, `profile "${name}" needs a provider or a baseURL`);
    for (const k of ["model", "embeddingModel"] as const) {
      const s = this.str(p[k], `${at}.${k}`);
      if (s !== undefined) out[k] = s;
    }
    // Keys: a reference to an environment variable, never the key itself unless the file says so.
    const key = p.apiKey;
    if (isObject(key)) {
      this.keys(key, `${at}.apiKey`, ["env"]);
      out.apiKeyEnv = this.str(key.env, `${at}.apiKey.env`) ?? this.fail(`${at}.apiKey.env`, "name the environment variable");
    } else if (typeof key === "string") {
      const ref = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(key);
      if (ref) out.apiKeyEnv = ref[1]!;
      else if (plaintext) out.apiKey = key;
      else this.fail(`${at}.apiKey`, "keys are not stored in clear: write `apiKey: { env: NAME }` (or `${NAME}`), or set `allowPlaintextKeys: true`");
    } else if (key !== undefined && key !== null) this.fail(`${at}.apiKey`, "expected { env: NAME }");
    const env = this.str(p.apiKeyEnv, `${at}.apiKeyEnv`);
    if (env) out.apiKeyEnv = env;
    if (p.params !== undefined) {
      if (!isObject(p.params)) this.fail(`${at}.params`, "expected a mapping of request parameters");
      const params = p.params;
      for (const k of ["temperature", "top_p", "max_tokens", "max_completion_tokens", "presence_penalty", "frequency_penalty", "seed"]) {
        if (params[k] !== undefined && typeof params[k] !== "number") this.fail(`${at}.params.${k}`, `expected a number, got ${JSON.stringify(params[k])}`);
      }
      if ("messages" in params || "stream" in params) this.fail(`${at}.params`, "`messages` and `stream` cannot be defaults");
      out.params = { ...params };
    }
    if (p.rateLimit !== undefined) {
      if (!isObject(p.rateLimit)) this.fail(`${at}.rateLimit`, "expected { requestsPerMinute, tokensPerMinute }");
      this.keys(p.rateLimit, `${at}.rateLimit`, ["requestsPerMinute", "tokensPerMinute", "respectServerHeaders"]);
      out.rateLimit = {};
      const rpm = this.num(p.rateLimit.requestsPerMinute, `${at}.rateLimit.requestsPerMinute`, 1);
      const tpm = this.num(p.rateLimit.tokensPerMinute, `${at}.rateLimit.tokensPerMinute`, 1);
      const rsh = this.bool(p.rateLimit.respectServerHeaders, `${at}.rateLimit.respectServerHeaders`);
      if (rpm !== undefined) out.rateLimit.requestsPerMinute = rpm;
      if (tpm !== undefined) out.rateLimit.tokensPerMinute = tpm;
      if (rsh !== undefined) out.rateLimit.respectServerHeaders = rsh;
    }
    for (const k of ["timeout", "idleTimeout", "maxRetries"] as const) {
      const n = this.num(p[k], `${at}.${k}`, k === "maxRetries" ? 0 : 1);
      if (n !== undefined) out[k] = n;
    }
    if (p.endpoints !== undefined) {
      const e = p.endpoints;
      if (!Array.isArray(e) || !e.length || e.some((x) => x !== "chat" && x !== "embeddings")) this.fail(`${at}.endpoints`, `expected a list of "chat" and/or "embeddings", got ${JSON.stringify(e)}`);
      out.endpoints = e as Profile["endpoints"];
    }
    return out;
  }
}
