import { SseDecoder, ChatCompletionAccumulator } from "../dist/index.js";
import { ChunkNormalizer } from "../dist/stream/normalize-chunk.js";
import { streamEvents } from "./fixtures.mjs";
const text = streamEvents(100000).join("");
const bytes = new TextEncoder().encode(text);
const pieces = [];
for (let i = 0; i < bytes.length; i += 65536) pieces.push(bytes.subarray(i, i + 65536));
function run(mode) {
  const d = new SseDecoder(); const n = new ChunkNormalizer(undefined, false, "m"); const acc = new ChatCompletionAccumulator();
  let count = 0;
  const t0 = performance.now();
  for (const p of pieces) for (const e of d.push(p)) {
    if (e.data === "[DONE]") continue;
    if (mode === 0) { count++; continue; }
    const j = JSON.parse(e.data);
    if (mode === 1) { count++; continue; }
    const c = n.push(j);
    if (mode === 2) { count++; continue; }
    acc.add(c); count++;
  }
  return performance.now() - t0;
}
function raw() {
  const dec = new TextDecoder(); let buf = ""; let text = "";
  const t0 = performance.now();
  for (const p of pieces) { buf += dec.decode(p, { stream: true }); let i; while ((i = buf.indexOf("\n\n")) !== -1) { const ev = buf.slice(0, i); buf = buf.slice(i + 2); if (ev.startsWith("data: ") && ev !== "data: [DONE]") { const c = JSON.parse(ev.slice(6)); const dd = c.choices[0]?.delta?.content; if (dd) text += dd; } } }
  return performance.now() - t0;
}
for (let r = 0; r < 6; r++) console.log(["sse", "+parse", "+normalize", "+accumulate"].map((l, m) => `${l} ${run(m).toFixed(1)}`).join("  "), " raw", raw().toFixed(1));
