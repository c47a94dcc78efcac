import { SimulatorEngine, type SimulatorOptions } from "./engine.js";
import { DropConnection } from "./response.js";
import type { FetchLike } from "../core/options.js";

/** Wait `ms`, or less if `signal` aborts first (a real fetch gives up waiting for headers at once). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The simulator behind a `fetch`, in-process, with no port: for offline demos (the CLI's `mock`
 * provider) and browser-like environments. Tests should prefer `startSimulator` (real HTTP).
 *
 * @example
 * const llm = createClient({ baseURL: "http://mock.local/v1", fetch: simulatorFetch({ script: [{ text: "Hi" }] }) });
 */
export function simulatorFetch(options: SimulatorOptions = {}, engine = new SimulatorEngine(options)): FetchLike & { engine: SimulatorEngine } {
  const f = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    // One controller per request: the engine sees the client going away (stalls end, `closedEarly` is set).
    const ac = new AbortController();
    const out = engine.handle(init.method ?? "GET", url.pathname + url.search, headers, typeof init.body === "string" ? init.body : "", ac.signal);
    if (out.delayMs) await pause(out.delayMs, signal);
    if (signal?.aborted) {
      ac.abort();
      throw signal.reason;
    }
    if (out.status === 204) return new Response(null, { status: 204, headers: out.headers });
    const it = out.body[Symbol.asyncIterator]();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let finished = false;
    // Exactly one listener on the caller's signal per request, removed when the body ends either way.
    // (A listener, or a `Promise.race` against a shared promise, per read would pile up one per chunk:
    // quadratic time and a MaxListenersExceededWarning on long replies.)
    const finish = () => {
      if (finished) return false;
      finished = true;
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const onAbort = () => {
      if (!finish()) return;
      ac.abort();
      // As a real fetch does: a read pending on an aborted request rejects with the signal's reason.
      controller.error(signal!.reason);
      void it.return?.(undefined).catch(() => {});
    };
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      async pull(c) {
        try {
          const next = await it.next();
          if (finished) return; // aborted while this read was pending: the stream is already errored
          if (next.done) {
            finish();
            c.close();
          } else c.enqueue(next.value);
        } catch (e) {
          if (!finish()) return;
          // A dropped connection reads, through undici, as a TypeError("terminated").
          c.error(e instanceof DropConnection ? new TypeError("terminated") : e);
        }
      },
      cancel() {
        if (!finish()) return;
        ac.abort();
        void it.return?.(undefined).catch(() => {});
      },
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    return new Response(body, { status: out.status, headers: out.headers });
  };
  return Object.assign(f, { engine });
}
