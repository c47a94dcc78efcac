/**
 * `mimir-llm/testing` under Node: the provider simulator for tests, yours and ours: the in-process
 * simulator (see `./portable`) plus `startSimulator`, a real HTTP server on loopback.
 * Browsers, and bundlers targeting them, resolve `mimir-llm/testing` to the portable part only.
 * @packageDocumentation
 */
export * from "./portable.js";
export { startSimulator } from "./server.js";
export type { Simulator } from "./server.js";
