// (e) Peak memory of 1,000 concurrent streams of 100 chunks, for one client in a fresh process,
// and what is left after they finish and a GC runs (a leak shows as a residue).
import { makeClients } from "./clients.mjs";
import { expectedText } from "./fixtures.mjs";

const { origin, client, streams, chunks } = JSON.parse(process.argv[2]);
const [c] = await makeClients([client]);
const base = `${origin}/w/mem/v1`;
const want = expectedText(chunks);
// Warm up: load the client's code and open a few connections, so the baseline is the idle client.
for (let i = 0; i < 3; i++) await c.stream(base, performance.now());
for (let i = 0; i < 3; i++) globalThis.gc();
const before = process.memoryUsage();
let peakRss = before.rss;
let peakHeap = before.heapUsed;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
}, 2);
const results = await Promise.all(Array.from({ length: streams }, () => c.stream(base, performance.now())));
clearInterval(timer);
const end = process.memoryUsage();
peakRss = Math.max(peakRss, end.rss);
peakHeap = Math.max(peakHeap, end.heapUsed);
for (const r of results) if (r.text !== want) throw new Error(`${client}: wrong stream text`);
results.length = 0;
await new Promise((r) => setTimeout(r, 200));
for (let i = 0; i < 3; i++) globalThis.gc();
const after = process.memoryUsage();
process.stdout.write(JSON.stringify({
  peakRssMB: peakRss / 1e6, peakHeapMB: peakHeap / 1e6,
  rssGrowthMB: (peakRss - before.rss) / 1e6, heapGrowthMB: (peakHeap - before.heapUsed) / 1e6,
  heapResidueMB: (after.heapUsed - before.heapUsed) / 1e6,
}) + "\n");
process.exit(0);
