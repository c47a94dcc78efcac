/**
 * `mimir-llm/testing`: a provider simulator for tests, yours and ours. Node-only (it runs an HTTP server).
 * @packageDocumentation
 */
export { startSimulator } from "./server.js";
export type { Simulator } from "./server.js";
export { simulatorFetch } from "./fetch.js";
export { SimulatorEngine, simEmbedding } from "./engine.js";
export type { SimulatorOptions, RecordedRequest, SimResponse } from "./engine.js";
export { dialects } from "./dialects.js";
export type { Dialect, DialectName } from "./dialects.js";
export type { SimReply, SimChatReply, SimErrorReply, SimRawReply, SimToolCall, SimDelivery } from "./script.js";
