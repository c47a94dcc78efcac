import { ChatStream } from "../dist/stream/chat-stream.js";
import { Attempt } from "../dist/http/attempt.js";
import { streamEvents } from "./fixtures.mjs";
const bytes = new TextEncoder().encode(streamEvents(100000).join(""));
const pieces = [];
for (let i = 0; i < bytes.length; i += 16384) pieces.push(bytes.subarray(i, i + 16384));
async function once() {
  let i = 0;
  const body = new ReadableStream({ pull(c) { if (i < pieces.length) c.enqueue(pieces[i++]); else c.close(); } });
  const s = new ChatStream({ response: new Response(body), attempt: new Attempt(undefined, 600000, "x"), idleTimeout: 60000, provider: "x", model: "m", requestId: undefined, hooks: undefined, thinkTags: false, apiKey: undefined, warnings: [], warn() {} });
  const t0 = performance.now();
  let text = "";
  for await (const c of s) { const d = c.choices[0]?.delta.content; if (d) text += d; }
  return performance.now() - t0;
}
const ts = []; for (let r = 0; r < 15; r++) ts.push(await once()); ts.sort((a, b) => a - b); console.log("min", ts[0].toFixed(1), "median", ts[7].toFixed(1));
