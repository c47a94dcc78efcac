import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SimulatorEngine, type RecordedRequest, type SimulatorOptions } from "./engine.js";
import { DropConnection } from "./response.js";
import { isPreflight, preflightHeaders, withCors } from "./cors.js";
import type { SimReply } from "./script.js";

/** A running simulator. */
export interface Simulator {
  /** `http://127.0.0.1:<port>/v1`: pass it as `baseURL`. */
  baseURL: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queue replies for the next requests. */
  reply(...replies: SimReply[]): void;
  engine: SimulatorEngine;
  close(): Promise<void>;
}

/** Resolves when `res` can take more bytes, or the client has gone. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Start a provider simulator: a real HTTP server on 127.0.0.1 (a free port) speaking
 * `/v1/chat/completions`, `/v1/embeddings` and `/v1/models` in a provider's dialect.
 * It answers CORS preflights and allows any origin, so a web app's tests can use it from a browser.
 *
 * @example
 * const sim = await startSimulator({ dialect: "groq", script: [{ text: "Hi!" }] });
 * const llm = createClient({ baseURL: sim.baseURL });
 * await llm.complete("hello"); // "Hi!"
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}, engine = new SimulatorEngine(options)): Promise<Simulator> {
  const server: Server = createServer(async (req, res) => {
    const ac = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) ac.abort();
    });
    try {
      const raw = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const method = req.method ?? "GET";
      // A browser's preflight is transport, not a request to the provider: not recorded, no scripted reply used.
      if (isPreflight(method, headers)) {
        res.writeHead(204, preflightHeaders(headers)).end();
        return;
      }
      const out = engine.handle(method, req.url ?? "/", headers, raw, ac.signal);
      if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
      if (ac.signal.aborted) return;
      res.socket?.setNoDelay(true);
      res.writeHead(out.status, withCors(out.headers));
      res.flushHeaders();
      for await (const bytes of out.body) {
        if (ac.signal.aborted) break;
        // Backpressure: a slow reader holds the simulator back instead of piling the reply up in memory.
        if (!res.write(bytes)) await drained(res, ac.signal);
      }
      res.end();
    } catch (e) {
      // Flush what was written, then cut the TCP connection without ending the HTTP body.
      if (e instanceof DropConnection) res.socket?.end();
      else if (!res.headersSent) res.writeHead(500, withCors({ "content-type": "text/plain" })).end(String(e));
      else res.socket?.destroy();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseURL: `${origin}/v1`,
    origin,
    requests: engine.requests,
    reply: (...r) => engine.reply(...r),
    engine,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
