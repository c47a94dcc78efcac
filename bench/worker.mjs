// Runs the timed workloads for every client in one process, alternating clients within each round
// (A B C D A B C D …) so machine drift cancels. Prints one JSON object of samples.
import { makeClients } from "./clients.mjs";
import { COMPLETION_TEXT, expectedText, toolArguments } from "./fixtures.mjs";

const cfg = JSON.parse(process.argv[2]);
const { origin, sizes, rounds } = cfg;
const base = (w) => `${origin}/w/${w}/v1`;
const now = () => performance.now();
const gc = () => globalThis.gc?.();
const clients = await makeClients(cfg.clients);
const expected = { stream: expectedText(sizes.streamChunks), short: expectedText(sizes.shortChunks), tool: toolArguments(sizes.toolFragments).args, tool4: toolArguments(sizes.toolFragments * 4).args };

function check(client, what, got, want) {
  if (got !== want) throw new Error(`${client}: wrong ${what}: got ${String(got).slice(0, 80)}… (${String(got).length} chars), want ${want.length} chars`);
}

const workloads = {
  /** (a) µs per sequential non-stream call. */
  async sequential(c) {
    const t0 = now();
    for (let i = 0; i < sizes.sequential; i++) check(c.name, "completion", await c.complete(base("complete")), COMPLETION_TEXT);
    return ((now() - t0) * 1000) / sizes.sequential;
  },
  /** (b) µs per call with 64 in flight (1e6 / value = calls per second). */
  async parallel(c) {
    let next = 0;
    const t0 = now();
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next++ < sizes.parallel) check(c.name, "completion", await c.complete(base("complete")), COMPLETION_TEXT);
    }));
    return ((now() - t0) * 1000) / sizes.parallel;
  },
  /** (c) ns per streamed event over one long stream. */
  async perEvent(c) {
    const t0 = now();
    const { text } = await c.stream(base("stream"), t0);
    const t = now() - t0;
    check(c.name, "stream text", text, expected.stream);
    return (t * 1e6) / sizes.streamChunks;
  },
  /** (c) µs to the first content chunk: median over short streams. */
  async firstChunk(c) {
    const firsts = [];
    for (let i = 0; i < sizes.ttfcReps; i++) {
      const t0 = now();
      const { text, first } = await c.stream(base("short"), t0);
      check(c.name, "short stream text", text, expected.short);
      firsts.push(first * 1000);
    }
    return median(firsts);
  },
  /** (d) ms to assemble one tool call from N argument fragments (median of 3 calls: one call alone mostly measures the JIT warming up). */
  async toolCall(c) {
    return toolTimes(c, "tool", expected.tool);
  },
  /** (d) the same with 4× the fragments: linear code takes ~4×. */
  async toolCall4x(c) {
    if (!cfg.linearity.includes(c.name)) return undefined;
    return toolTimes(c, "tool4", expected.tool4);
  },
};

async function toolTimes(c, workload, want) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    const args = await c.tool(base(workload));
    times.push(now() - t0);
    check(c.name, `tool arguments (${workload})`, args, want);
  }
  return median(times);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const samples = {};
for (let round = 0; round <= rounds; round++) {
  for (const [w, fn] of Object.entries(workloads)) {
    if (cfg.only && !cfg.only.includes(w)) continue;
    for (const c of clients) {
      gc();
      const v = await fn(c);
      // Round 0 warms the JIT and the connections; it is not counted.
      if (round > 0 && v !== undefined) ((samples[w] ??= {})[c.name] ??= []).push(v);
    }
  }
  process.stderr.write(`  round ${round}/${rounds} done\n`);
}
process.stdout.write(JSON.stringify(samples) + "\n");
process.exit(0);
