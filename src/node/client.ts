import { createClient as createCoreClient, type LlmClient } from "../client.js";
import { ToolRun } from "../agent/tool-run.js";
import { ResponsePromise } from "../core/llm-promise.js";
import { ConfigError } from "../errors.js";
import { presetById, type PresetId } from "../providers/index.js";
import type { ClientOptions, FetchLike } from "../core/options.js";
import { mockPreset } from "../testing/mock-preset.js";
import { loadConfig, noProfileChosen, type LoadedConfig, type Profile } from "./config.js";

/** The mock's fetch, loading the simulator on first use only: `mimir-llm/node` stays small for everyone else. */
function lazyMockFetch(): FetchLike {
  let f: Promise<FetchLike> | undefined;
  return (input, init) => (f ??= import("../testing/mock.js").then((m) => m.mockFetch()))
    .then((fetch) => fetch(input, init));
}

/** `createClient` options, plus a profile from the config file. */
export interface NodeClientOptions extends ClientOptions {
  /** A profile name from the config file (see `loadConfig`). */
  profile?: string;
  /** A loaded config, or the path of the file; otherwise the file is looked for as `loadConfig` does. */
  config?: LoadedConfig | string;
}

/** Client options from a profile; explicit options win over the profile's. */
export function profileOptions(profile: Profile, config: LoadedConfig, env: Record<string, string | undefined> = process.env): ClientOptions {
  const opts: ClientOptions = {};
  // The offline mock is a preset object and the simulator behind a fetch, not a preset id.
  if (profile.provider === mockPreset.id) Object.assign(opts, { provider: mockPreset, fetch: lazyMockFetch() });
  else if (profile.provider) opts.provider = profile.provider as PresetId;
  if (profile.baseURL) opts.baseURL = profile.baseURL;
  if (profile.model) opts.model = profile.model;
  if (profile.embeddingModel) opts.embeddingModel = profile.embeddingModel;
  if (profile.params) opts.defaults = profile.params;
  if (profile.rateLimit) opts.rateLimit = profile.rateLimit;
  if (profile.timeout !== undefined) opts.timeout = profile.timeout;
  if (profile.idleTimeout !== undefined) opts.idleTimeout = profile.idleTimeout;
  if (profile.maxRetries !== undefined) opts.maxRetries = profile.maxRetries;
  if (profile.apiKey) opts.apiKey = profile.apiKey;
  else if (profile.apiKeyEnv) {
    const key = env[profile.apiKeyEnv];
    const hosted = profile.provider ? (presetById(profile.provider)?.keyRequired ?? false) : false;
    if (key) opts.apiKey = key;
    else if (hosted) throw new ConfigError(`${config.path}: profile "${profile.name}" reads its key from ${profile.apiKeyEnv}, which is not set`);
  }
  return opts;
}

/**
 * `createClient` for Node, which also understands config-file profiles.
 *
 * @example
 * import { createClient } from "mimir-llm/node";
 * const llm = createClient({ profile: "fast" }); // from ./mimir-llm.yaml
 */
export function createClient(options: NodeClientOptions = {}): LlmClient {
  const { profile, config, ...rest } = options;
  if (profile === undefined && config === undefined) return createCoreClient(rest);
  const loaded = typeof config === "object" ? config : loadConfig({ path: config });
  if (!loaded) throw new ConfigError(`profile "${profile}" asked for, but there is no config file (mimir-llm.yaml in this directory, $XDG_CONFIG_HOME/mimir-llm/, or MIMIR_LLM_CONFIG)`);
  const name = profile ?? loaded.default;
  if (name === undefined) {
    // A config given without a profile to take from it, and nothing else naming a server: silently
    // using the core default would ignore the file the caller pointed at.
    if (rest.provider === undefined && rest.baseURL === undefined) throw new ConfigError(noProfileChosen(loaded));
    return createCoreClient(rest);
  }
  const p = loaded.profiles[name];
  if (!p) throw new ConfigError(`${loaded.path}: no profile named "${name}" (have: ${Object.keys(loaded.profiles).join(", ")})`);
  const base = profileOptions(p, loaded);
  const merged: ClientOptions = { ...base, ...stripUndefined(rest) };
  if (base.defaults && rest.defaults) merged.defaults = { ...base.defaults, ...rest.defaults };
  const client = createCoreClient(merged);
  return p.endpoints ? restrict(client, p) : client;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A profile that serves only some endpoints refuses the others with a clear error. */
function restrict(client: LlmClient, p: Profile): LlmClient {
  const refuse = (what: string) => () => ResponsePromise.from<never>(Promise.reject(new ConfigError(`profile "${p.name}" does not serve ${what} (endpoints: ${p.endpoints!.join(", ")})`)));
  const chat = p.endpoints!.includes("chat");
  const emb = p.endpoints!.includes("embeddings");
  return {
    ...client,
    chat: chat ? client.chat : { completions: { create: refuse("chat") as LlmClient["chat"]["completions"]["create"], parse: refuse("chat") as LlmClient["chat"]["completions"]["parse"], runTools: () => new ToolRun(() => refuse("chat")()) } },
    complete: chat ? client.complete : (refuse("chat") as LlmClient["complete"]),
    embeddings: emb ? client.embeddings : { create: refuse("embeddings") },
  };
}
