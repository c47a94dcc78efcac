// npm run bench: mimir-llm side by side with the openai SDK, the AI SDK and two raw baselines.
// Server and clients in separate processes, pinned to separate cores where taskset exists.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
// --quick: a shorter run; --smoke: tiny sizes, one round, to check the harness itself (used by the tests).
const smoke = process.argv.includes("--smoke");
const quick = smoke || process.argv.includes("--quick");
const CLIENTS = ["mimir", "openai", "aisdk", "undici", "fetch"];
const sizes = smoke
  ? { streamChunks: 2000, shortChunks: 20, memChunks: 20, toolFragments: 200, sequential: 20, parallel: 100, ttfcReps: 3 }
  : { streamChunks: 100_000, shortChunks: 20, memChunks: 100, toolFragments: 10_000, sequential: quick ? 200 : 1000, parallel: quick ? 1000 : 5000, ttfcReps: quick ? 20 : 100 };
const ROUNDS = smoke ? 1 : quick ? 2 : 5;
const MEM_ROUNDS = quick ? 1 : 3;
const MEM_STREAMS = smoke ? 50 : 1000;
const IMPORT_ROUNDS = smoke ? 1 : quick ? 5 : 15;
const OUT = smoke ? "smoke" : quick ? "quick" : "latest";

if (!existsSync(join(root, "dist/index.js"))) {
  console.error("bench: build first (npm run build)");
  process.exit(2);
}
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pinned = (core, args) => (hasTaskset ? ["taskset", ["-c", String(core), ...args]] : [args[0], args.slice(1)]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => (xs.length > 1 ? (Math.max(...xs) - Math.min(...xs)) / median(xs) : 0);

async function startServer() {
  const [cmd, args] = pinned(0, [process.execPath, join(here, "server.mjs"), JSON.stringify({ ...sizes, toolFragments: sizes.toolFragments })]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).once("line", res);
    child.once("exit", (c) => rej(new Error(`bench server exited (${c})`)));
  });
  return { child, origin: `http://127.0.0.1:${JSON.parse(line).port}` };
}

function runNode(core, script, arg) {
  const [cmd, args] = pinned(core, [process.execPath, "--expose-gc", join(here, script), JSON.stringify(arg)]);
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20, timeout: 30 * 60_000 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stdout.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

// (f) Cold import: a fresh process importing the client, minus a bare one, alternating.
function importTimes() {
  const specs = {
    bare: null,
    mimir: pathToFileURL(join(root, "dist/index.js")).href,
    openai: "openai",
    aisdk: "ai",
    undici: "undici",
  };
  const times = Object.fromEntries(Object.keys(specs).map((k) => [k, []]));
  for (let r = 0; r < IMPORT_ROUNDS; r++) {
    for (const [k, spec] of Object.entries(specs)) {
      const code = spec ? `await import(${JSON.stringify(spec)}); ${k === "aisdk" ? 'await import("@ai-sdk/openai-compatible");' : ""}` : "";
      const [cmd, args] = pinned(1, [process.execPath, "--input-type=module", "-e", code]);
      const t0 = performance.now();
      // From bench/, so bare names resolve to bench/node_modules (the peers) and then the root's.
      const res = spawnSync(cmd, args, { cwd: here, stdio: "ignore" });
      if (res.status !== 0) throw new Error(`import of ${k} failed`);
      times[k].push(performance.now() - t0);
    }
  }
  const bare = median(times.bare);
  return Object.fromEntries(Object.entries(times).filter(([k]) => k !== "bare").map(([k, v]) => [k, { overBareMs: median(v) - bare, spread: spread(v) }]));
}

// (g) Bundle of a one-streaming-call program (esbuild, minified, gzipped), installed size, dependency count.
/** Where a package is installed: the bench's own peers (bench/package.json), else the root's devDependencies. */
function modDir(name) {
  const own = join(here, "node_modules", name);
  return existsSync(own) ? own : join(root, "node_modules", name);
}

async function sizesOf() {
  const esbuild = await import("esbuild");
  const out = {};
  for (const k of ["mimir", "openai", "aisdk", "fetch"]) {
    // Code split as an app's bundler would: what loads at start (the entry and the chunks it imports
    // statically) is the figure; chunks behind a dynamic import() (mimir's parse()) load only when used.
    const r = await esbuild.build({ entryPoints: [join(here, "bundle", `${k}.mjs`)], bundle: true, splitting: true, outdir: join(root, "bench/results/.bundle", k), metafile: true, minify: true, format: "esm", platform: "node", write: false, logLevel: "silent", absWorkingDir: root });
    const outputs = r.metafile.outputs;
    const atStart = new Set();
    const visit = (p) => {
      if (atStart.has(p)) return;
      atStart.add(p);
      for (const imp of outputs[p].imports) if (imp.kind === "import-statement" && outputs[imp.path]) visit(imp.path);
    };
    visit(Object.keys(outputs).find((p) => outputs[p].entryPoint));
    const code = Buffer.concat(r.outputFiles.filter((f) => atStart.has(relative(root, f.path))).map((f) => Buffer.from(f.contents)));
    out[k] = { bundleGzipKB: gzipSync(code).length / 1024, bundleMinKB: code.length / 1024 };
  }
  const dirSize = (d) => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? dirSize(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
  const closure = (names) => {
    const seen = new Set();
    const visit = (n) => {
      if (seen.has(n)) return;
      const pj = join(modDir(n), "package.json");
      if (!existsSync(pj)) return;
      seen.add(n);
      const p = JSON.parse(readFileSync(pj, "utf8"));
      for (const d of Object.keys({ ...p.dependencies, ...p.peerDependencies })) visit(d);
    };
    names.forEach(visit);
    return seen;
  };
  for (const [k, names] of Object.entries({ openai: ["openai"], aisdk: ["ai", "@ai-sdk/openai-compatible"], undici: ["undici"] })) {
    const deps = closure(names);
    out[k] = { ...out[k], installedKB: [...deps].reduce((n, d) => n + dirSize(modDir(d)), 0) / 1024, dependencies: deps.size - names.length };
  }
  const pack = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  out.mimir = { ...out.mimir, installedKB: pack[0].unpackedSize / 1024, dependencies: Object.keys(pkg.dependencies ?? {}).length };
  return out;
}

const version = (n) => JSON.parse(readFileSync(join(modDir(n), "package.json"), "utf8")).version;

console.error(`bench: node ${process.version}, taskset ${hasTaskset ? "yes" : "no"}, ${ROUNDS} rounds${quick ? " (quick)" : ""}`);
const server = await startServer();
let timed, memory;
try {
  console.error("bench: timed workloads (a)–(d)");
  timed = runNode(1, "worker.mjs", { origin: server.origin, clients: CLIENTS, rounds: ROUNDS, sizes, linearity: ["mimir", "undici", "openai"] });
  console.error("bench: memory (e)");
  memory = {};
  for (let r = 0; r < MEM_ROUNDS; r++) {
    for (const c of CLIENTS) {
      const m = runNode(1, "memory.mjs", { origin: server.origin, client: c, streams: MEM_STREAMS, chunks: sizes.memChunks });
      for (const [k, v] of Object.entries(m)) ((memory[k] ??= {})[c] ??= []).push(v);
    }
  }
} finally {
  server.child.kill("SIGTERM");
}
console.error("bench: import time (f), sizes (g)");
const imports = importTimes();
const size = await sizesOf();

// Aggregate: median per client, ratios to the baselines and to openai, spread.
const figures = [];
const add = (key, label, unit, samples, better = "lower") => {
  const med = Object.fromEntries(Object.entries(samples).map(([c, v]) => [c, { median: median(v), spread: spread(v) }]));
  figures.push({ key, label, unit, better, clients: med });
};
add("sequential", "(a) sequential non-stream call", "µs/call", timed.sequential);
add("parallel", "(b) 64 in flight", "µs/call", timed.parallel);
add("perEvent", "(c) streamed event, 100k-chunk stream", "ns/event", timed.perEvent);
add("firstChunk", "(c) time to first chunk", "µs", timed.firstChunk);
add("toolCall", "(d) tool call, 10k fragments", "ms", timed.toolCall);
if (timed.toolCall4x) add("toolCall4x", "(d) tool call, 40k fragments", "ms", timed.toolCall4x);
add("peakRss", `(e) ${MEM_STREAMS} streams: RSS growth`, "MB", memory.rssGrowthMB);
add("peakHeap", `(e) ${MEM_STREAMS} streams: heap growth`, "MB", memory.heapGrowthMB);
add("residue", "(e) heap left after GC", "MB", memory.heapResidueMB);

const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? "–" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(d));
const lines = [];
lines.push(`| figure | unit | ${CLIENTS.join(" | ")} | mimir/undici | mimir/fetch | mimir/openai | openai/undici | aisdk/undici |`);
lines.push(`|---|---|${CLIENTS.map(() => "---").join("|")}|---|---|---|---|---|`);
for (const f of figures) {
  const v = (c) => f.clients[c]?.median;
  const cells = CLIENTS.map((c) => (f.clients[c] ? `${fmt(v(c))} ±${Math.round((f.clients[c].spread / 2) * 100)}%` : "–"));
  lines.push(`| ${f.label} | ${f.unit} | ${cells.join(" | ")} | ${fmt(ratio(v("mimir"), v("undici")))}× | ${fmt(ratio(v("mimir"), v("fetch")))}× | ${fmt(ratio(v("mimir"), v("openai")))}× | ${fmt(ratio(v("openai"), v("undici")))}× | ${fmt(ratio(v("aisdk"), v("undici")))}× |`);
}
const linear = timed.toolCall4x ? Object.fromEntries(Object.keys(timed.toolCall4x).map((c) => [c, median(timed.toolCall4x[c]) / median(timed.toolCall[c])])) : {};
lines.push("");
lines.push(`Tool-call linearity (time for 40k fragments / 10k; linear ≈ 4): ${Object.entries(linear).map(([c, r]) => `${c} ${r.toFixed(2)}`).join(", ")}`);
lines.push("");
lines.push("| client | cold import over bare node | bundle (min+gzip) | installed | dependencies |");
lines.push("|---|---|---|---|---|");
for (const c of ["mimir", "openai", "aisdk", "undici", "fetch"]) {
  const im = imports[c];
  const s = size[c] ?? {};
  lines.push(`| ${c} | ${im ? `${im.overBareMs.toFixed(1)} ms` : "–"} | ${s.bundleGzipKB ? `${s.bundleGzipKB.toFixed(1)} KB` : "–"} | ${s.installedKB ? `${s.installedKB >= 1024 ? `${(s.installedKB / 1024).toFixed(2)} MB` : `${s.installedKB.toFixed(0)} KB`}` : "–"} | ${s.dependencies ?? "–"} |`);
}
const env = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: (await import("node:os")).cpus().length, taskset: hasTaskset, rounds: ROUNDS, quick, date: new Date().toISOString(), versions: { openai: version("openai"), ai: version("ai"), "@ai-sdk/openai-compatible": version("@ai-sdk/openai-compatible"), undici: version("undici") } };
const header = `Node ${env.node}, ${env.cpus} cores, ${env.platform}; openai ${env.versions.openai}, ai ${env.versions.ai} + @ai-sdk/openai-compatible ${env.versions["@ai-sdk/openai-compatible"]}, undici ${env.versions.undici}; medians of ${ROUNDS} alternating rounds (± half the min–max spread)`;
const md = `# Benchmark results\n\n${header}\n\n${lines.join("\n")}\n`;
process.stdout.write(`\n${header}\n\n${lines.join("\n")}\n`);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", `${OUT}.json`), JSON.stringify({ env, sizes, figures, linearity: linear, imports, size, raw: { timed, memory } }, null, 2));
writeFileSync(join(here, "results", `${OUT}.md`), md);
