import type { LlmClient } from "../client.js";
import type { ClientOptions } from "../core/options.js";
import { ConfigError } from "../errors.js";
import { createClient } from "../node/client.js";
import { loadConfig } from "../node/config.js";
import type { PresetId } from "../providers/index.js";
import { mockFetch, mockPreset } from "../testing/mock.js";
import { numberFlag, type Parsed } from "./args.js";

export { mockPreset };

/** Build the client the flags describe: `--provider`, `--base-url`, `--model`, `--profile`, `--config`. */
export function clientFromFlags(flags: Parsed["flags"]): LlmClient {
  const provider = flags.provider as string | undefined;
  const opts: ClientOptions & { profile?: string; config?: string } = {};
  if (typeof flags.model === "string") opts.model = flags.model;
  if (typeof flags["base-url"] === "string") opts.baseURL = flags["base-url"];
  const timeout = numberFlag(flags, "timeout");
  if (timeout !== undefined) opts.timeout = timeout;
  if (provider === "mock") {
    return createClient({ ...opts, provider: mockPreset, fetch: mockFetch() });
  }
  // An unknown id is refused by createClient with the list of known ones.
  if (provider) opts.provider = provider as PresetId;
  if (typeof flags.profile === "string") {
    opts.profile = flags.profile;
    if (typeof flags.config === "string") opts.config = flags.config;
    return createClient(opts);
  }
  if (!provider && !opts.baseURL) {
    // No target named: the config file's default profile, else a local Ollama.
    const config = loadConfig({ path: typeof flags.config === "string" ? flags.config : undefined });
    if (config?.default) return createClient({ ...opts, profile: config.default, config });
    opts.provider = "ollama";
  }
  return createClient(opts);
}

/** Ollama's root URL for model management, from `--base-url`, a profile, or `OLLAMA_HOST`. */
export function ollamaRoot(flags: Parsed["flags"]): string | undefined {
  if (flags.provider !== undefined && flags.provider !== "ollama") throw new ConfigError(`model management is Ollama's: --provider ${flags.provider} has no pull/rm/ps`);
  if (typeof flags["base-url"] === "string") return flags["base-url"];
  if (typeof flags.profile === "string") {
    const config = loadConfig({ path: typeof flags.config === "string" ? flags.config : undefined });
    const p = config?.profiles[flags.profile];
    if (!p) throw new ConfigError(`no profile named "${flags.profile}"${config ? ` in ${config.path}` : " (no config file found)"}`);
    if (p.provider && p.provider !== "ollama") throw new ConfigError(`profile "${p.name}" is ${p.provider}, not ollama: model management is Ollama's`);
    return p.baseURL;
  }
  return undefined;
}
