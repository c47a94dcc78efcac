/**
 * What the simulator's handlers produce, independent of transport. Shared by the engine and the
 * Ollama-native handlers (a module of its own so neither imports the other for it).
 */

/** A response as an async sequence of bytes. The sequence may stall (until `signal`) or throw (drop the connection). */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** Wait this long before sending the headers. */
  delayMs: number;
  body: AsyncIterable<Uint8Array>;
}

/** Thrown by a response body to cut the connection mid-body (the transports turn it into a dropped socket). */
export class DropConnection extends Error {}
