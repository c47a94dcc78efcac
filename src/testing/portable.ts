/**
 * `mimir-llm/testing` in a browser, Deno, Bun or a worker: the in-process simulator (`simulatorFetch`),
 * its engine, dialects and scripts. Nothing here imports a Node module, so it loads wherever `fetch` runs.
 * The HTTP server (`startSimulator`) is Node-only: `mimir-llm/testing/server`, or `mimir-llm/testing` under Node.
 * @packageDocumentation
 */
export { simulatorFetch } from "./fetch.js";
export { SimulatorEngine } from "./engine.js";
export { simEmbedding } from "./embeddings.js";
export type { SimulatorOptions, RecordedRequest } from "./engine.js";
export { DropConnection } from "./response.js";
export type { SimResponse } from "./response.js";
export { dialects, resolveDialect } from "./dialects.js";
export type { Dialect, DialectHabits, DialectName } from "./dialects.js";
export { schemaInstance } from "./instance.js";
export { checkHistory } from "./history.js";
export type { HistoryCheck, HistoryRefusal } from "./history.js";
export type { InstanceText } from "./instance.js";
export type { ResponseFormatHabits, FormatHandling, SimRefusal } from "./response-format.js";
export type { SimReply, SimChatReply, SimErrorReply, SimRawReply, SimToolCall, SimDelivery } from "./script.js";
export { mockPreset, mockFetch } from "./mock.js";
