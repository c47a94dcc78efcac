// A fast fake OpenAI-compatible server for the benchmark, run in its own process.
// Every response is serialised once at start, so the server is never the bottleneck.
// The workload is named by a path prefix: /w/<workload>/v1/chat/completions.
import { createServer } from "node:http";
import { completionBody, streamEvents, toolEvents } from "./fixtures.mjs";

const sizes = JSON.parse(process.argv[2] ?? "{}");
const enc = (s) => Buffer.from(s);
/** A stream body cut into ~16 KB writes, as a server flushing as it generates would. */
function pieces(events) {
  const out = [];
  let cur = "";
  for (const e of events) {
    cur += e;
    if (cur.length >= 16384) {
      out.push(enc(cur));
      cur = "";
    }
  }
  if (cur) out.push(enc(cur));
  return out;
}
const bodies = {
  complete: [enc(completionBody())],
  stream: pieces(streamEvents(sizes.streamChunks ?? 100000)),
  // Small streams: the first event goes out alone, so time-to-first-chunk is measurable.
  short: [enc(streamEvents(sizes.shortChunks ?? 20)[0]), enc(streamEvents(sizes.shortChunks ?? 20).slice(1).join(""))],
  mem: pieces(streamEvents(sizes.memChunks ?? 100)),
  tool: pieces(toolEvents(sizes.toolFragments ?? 10000)),
  tool4: pieces(toolEvents((sizes.toolFragments ?? 10000) * 4)),
};
const models = enc(JSON.stringify({ object: "list", data: [{ id: "bench", object: "model", created: 0, owned_by: "bench" }] }));

const server = createServer((req, res) => {
  // Drain the request body without parsing it.
  req.resume();
  req.on("end", () => {
    const m = /^\/w\/([a-z0-9]+)\/v1\/(.*)$/.exec(req.url ?? "");
    if (!m) return res.writeHead(404).end();
    if (m[2] === "models") return res.writeHead(200, { "content-type": "application/json" }).end(models);
    const parts = bodies[m[1]];
    if (!parts) return res.writeHead(404).end();
    const json = m[1] === "complete";
    res.writeHead(200, { "content-type": json ? "application/json" : "text/event-stream", ...(json ? { "content-length": parts[0].length } : {}) });
    for (const p of parts) res.write(p);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n"));
process.on("SIGTERM", () => process.exit(0));
