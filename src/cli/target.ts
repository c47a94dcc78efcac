import type { LlmClient } from "../client.js";
import type { ClientOptions } from "../core/options.js";
import { ConfigError } from "../errors.js";
import { createClient, type NodeClientOptions } from "../node/client.js";
import { loadConfig, noProfileChosen } from "../node/config.js";
import type { PresetId } from "../providers/index.js";
import { mockFetch, mockPreset } from "../testing/mock.js";
import { numberFlag, stringFlag, type Parsed } from "./args.js";
import { reportRetry, stderrLogger } from "./report.js";

export { mockPreset };

/**
 * Build the client the flags describe: `--provider`, `--base-url`, `--model`, `--profile`, `--config`.
 * Which profile: `--profile`; else, when no flag names a server, the config file's `default:`; a
 * config file with profiles but no default is an error rather than a silent fall back to Ollama.
 */
export function clientFromFlags(flags: Parsed["flags"]): LlmClient {
  const provider = stringFlag(flags, "provider");
  const profile = stringFlag(flags, "profile");
  const configPath = stringFlag(flags, "config");
  const opts: NodeClientOptions = {
    // Every retry is shown; the library's log goes to stderr, never into the answer on stdout.
    onRetry: reportRetry,
    logger: stderrLogger,
  };
  if (flags.verbose === true) opts.logLevel = "debug";
  const model = stringFlag(flags, "model");
  const baseURL = stringFlag(flags, "base-url");
  if (model !== undefined) opts.model = model;
  if (baseURL !== undefined) opts.baseURL = baseURL;
  const timeout = numberFlag(flags, "timeout");
  if (timeout !== undefined) opts.timeout = timeout;
  if (provider === "mock") Object.assign(opts, { provider: mockPreset, fetch: mockFetch() } satisfies ClientOptions);
  // An unknown id is refused by createClient with the list of known ones.
  else if (provider) opts.provider = provider as PresetId;
  if (profile !== undefined) return createClient({ ...opts, profile, ...(configPath ? { config: configPath } : {}) });
  // A server named on the command line: the config file plays no part.
  if (provider || baseURL) return createClient(opts);
  const config = loadConfig({ path: configPath });
  if (config?.default) return createClient({ ...opts, profile: config.default, config });
  // A file that offers profiles without saying which: using Ollama instead would make the file
  // look broken. A file with no profiles at all only matters when it was named with --config.
  if (config && (Object.keys(config.profiles).length || configPath)) throw new ConfigError(noProfileChosen(config));
  return createClient({ ...opts, provider: "ollama" });
}

/** Ollama's root URL for model management, from `--base-url`, a profile, or `OLLAMA_HOST`. */
export function ollamaRoot(flags: Parsed["flags"]): string | undefined {
  if (flags.provider !== undefined && flags.provider !== "ollama") throw new ConfigError(`model management is Ollama's: --provider ${flags.provider} has no pull/rm/ps`);
  const baseURL = stringFlag(flags, "base-url");
  if (baseURL !== undefined) return baseURL;
  const configPath = stringFlag(flags, "config");
  let name = stringFlag(flags, "profile");
  // The config file is read only when asked for: a default profile on Groq must not break `ps`.
  if (name === undefined && configPath === undefined) return undefined;
  const config = loadConfig({ path: configPath });
  if (!config) throw new ConfigError(`no profile named "${name}" (no config file found)`);
  name ??= config.default;
  if (name === undefined) throw new ConfigError(noProfileChosen(config));
  const p = config.profiles[name];
  if (!p) throw new ConfigError(`${config.path}: no profile named "${name}" (have: ${Object.keys(config.profiles).join(", ") || "none"})`);
  if (p.provider && p.provider !== "ollama") throw new ConfigError(`profile "${p.name}" is ${p.provider}, not ollama: model management is Ollama's`);
  return p.baseURL;
}
