/**
 * `mimir-llm/node`: Node-only parts: config-file profiles and a `createClient` that understands them.
 * @packageDocumentation
 */
export { createClient, profileOptions } from "./client.js";
export type { NodeClientOptions } from "./client.js";
export { loadConfig, parseConfig, findConfigFile } from "./config.js";
export type { LoadedConfig, LoadConfigOptions, Profile } from "./config.js";
export { parseYaml, YamlError } from "./yaml.js";
export { createOllama } from "../ollama/index.js";
