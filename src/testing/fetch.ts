import { DropConnection, SimulatorEngine, type SimulatorOptions } from "./engine.js";
import type { FetchLike } from "../core/options.js";

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
    const ac = new AbortController();
    init.signal?.addEventListener("abort", () => ac.abort(), { once: true });
    if (init.signal?.aborted) throw init.signal.reason;
    const out = engine.handle(init.method ?? "GET", url.pathname + url.search, headers, typeof init.body === "string" ? init.body : "", ac.signal);
    if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
    if (init.signal?.aborted) throw init.signal.reason;
    const it = out.body[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await Promise.race([it.next(), new Promise<never>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true }))]);
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (e) {
          controller.error(e instanceof DropConnection ? new TypeError("terminated") : e);
        }
      },
      cancel() {
        ac.abort();
      },
    });
    return new Response(out.status === 204 ? null : body, { status: out.status, headers: out.headers });
  };
  return Object.assign(f, { engine });
}
