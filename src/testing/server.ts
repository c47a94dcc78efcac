import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SimulatorEngine, type RecordedRequest, type SimulatorOptions } from "./engine.js";
import { DropConnection } from "./response.js";
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
      const out = engine.handle(req.method ?? "GET", req.url ?? "/", headers, raw, ac.signal);
      if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
      if (ac.signal.aborted) return;
      res.socket?.setNoDelay(true);
      res.writeHead(out.status, out.headers);
      res.flushHeaders();
      for await (const bytes of out.body) {
        if (ac.signal.aborted) break;
        res.write(bytes);
      }
      res.end();
    } catch (e) {
      // Flush what was written, then cut the TCP connection without ending the HTTP body.
      if (e instanceof DropConnection) res.socket?.end();
      else if (!res.headersSent) res.writeHead(500).end(String(e));
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
