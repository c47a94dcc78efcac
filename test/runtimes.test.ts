// The runtime matrix: the core promises to run wherever `fetch` runs. This proves it for the
// PACKED package (npm pack → installed in a temp app) under Node (the control), Bun, Deno
// (without --allow-env) and Debian's Chromium (a page on another origin than the servers, so
// CORS is on the path), all against the project's own simulator over real loopback HTTP.
//
// The runtimes live in test/runtimes/node_modules and /usr/bin/chromium, installed by
// scripts/setup-runtimes.sh (.ci/run calls it). A missing runtime FAILS its test, naming the script.
import { test, before, after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { simEmbedding, startSimulator, type Simulator, type SimulatorOptions } from "../src/testing/index.js";

const root = resolve(import.meta.dirname, "../..");
const runtimesDir = join(root, "test/runtimes");
const SETUP = "run `bash scripts/setup-runtimes.sh` (it installs Bun, Deno and playwright-core into test/runtimes/node_modules, and Debian's chromium)";

// ---------------------------------------------------------------------------------------------
// The simulators, one per scenario step (see scenario.mjs), and what each step must observe.

const MODELS = ["sim-model", "sim-embed", "llama-3.3-70b-versatile"];
const TOOL_ARGS = '{"city":"Paris","unit":"celsius"}';

const simOptions: Record<string, SimulatorOptions> = {
  chat: { script: [{ text: "Hello from the simulator." }] },
  stream: { script: [{ text: "Streaming works in every runtime." }] },
  // A JSON string, so the openai dialect streams it in 8-character fragments the client must join.
  toolCall: { script: [{ toolCalls: [{ name: "get_weather", arguments: TOOL_ARGS }] }] },
  // A real "model not found" for a model the server does not list (the dialect's own 404 body).
  notFound: { models: ["sim-model"] },
  // Role chunk, then "one ", then silence until the client hangs up.
  abort: { script: [{ text: "one two three four", stallAfter: 2 }] },
  embeddings: { embeddingDimensions: 8 },
  models: { models: MODELS },
  parse: {},
  presetOllama: { dialect: "ollama", script: [{ text: "Ollama preset reply." }] },
  // The server insists on the key, so a preset that dropped it would get a 401.
  presetGroq: { dialect: "groq", apiKey: "gsk-test", script: [{ text: "Groq preset reply." }] },
};

const STEPS = ["chat", "stream", "toolCall", "notFound", "abort", "embeddings", "models", "parse", "presetOllama", "presetGroq", "presetMissingKey", "portable", "portableBase64"];

function closeTo(actual: unknown, expected: number[], what: string): void {
  assert.ok(Array.isArray(actual), `${what}: expected a number array, got ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  // base64 carries float32: equal to the float64 vector to float32 precision.
  actual.forEach((x, i) => assert.ok(Math.abs((x as number) - expected[i]!) < 1e-6, `${what}[${i}]: ${x} vs ${expected[i]}`));
}

type StepResult = { ok: boolean; value?: any; error?: { name: string; message: string; stack?: string } };

/** What every step must have observed; `runtime` is "node", "bun", "deno" or "chromium". */
const checks: Record<string, (v: any, sims: Record<string, Simulator>, runtime: string) => void> = {
  chat(v) {
    assert.equal(v.content, "Hello from the simulator.");
    assert.equal(v.finishReason, "stop");
  },
  stream(v) {
    assert.equal(v.text, "Streaming works in every runtime.");
    assert.equal(v.contentChunks, 5, "one chunk per word, as the simulator streamed them");
  },
  toolCall(v) {
    assert.equal(v.name, "get_weather");
    assert.deepEqual(JSON.parse(v.arguments), JSON.parse(TOOL_ARGS));
    assert.equal(v.finishReason, "tool_calls");
    assert.ok(v.toolDeltas > 2, `the arguments arrived in pieces (${v.toolDeltas} tool-call deltas)`);
  },
  notFound(v) {
    assert.equal(v.threw, true, "a chat with an unknown model must reject");
    assert.equal(v.name, "NotFoundError", v.message);
    assert.equal(v.isNotFoundError, true, "instanceof NotFoundError");
    assert.equal(v.isLlmError, true, "instanceof LlmError");
    assert.equal(v.status, 404);
  },
  abort(v) {
    assert.equal(v.threw, true, "the loop over a stalled stream must end by throwing once aborted");
    assert.equal(v.name, "AbortError", v.message);
    assert.equal(v.isAbortError, true, "instanceof AbortError");
    assert.equal(v.isLlmError, true, "instanceof LlmError");
    assert.equal(v.seen, "one ", "the chunk before the stall arrived");
  },
  embeddings(v) {
    assert.deepEqual(v.vectors, [simEmbedding("alpha", 8), simEmbedding("beta", 8)]);
    closeTo(v.base64Vector, simEmbedding("alpha", 8), "base64 embedding decoded by the client");
  },
  models(v) {
    assert.deepEqual(v.ids, MODELS);
  },
  parse(v) {
    assert.equal(typeof v.parsed?.name, "string");
    assert.ok(Number.isInteger(v.parsed?.level) && v.parsed.level >= 3, JSON.stringify(v.parsed));
  },
  presetOllama(v, sims) {
    assert.equal(v.provider, "ollama");
    assert.equal(v.text, "Ollama preset reply.");
    // The POST, not a CORS preflight the browser may have sent first.
    assert.equal(sims.presetOllama!.requests.find((r) => r.method === "POST")?.path, "/v1/chat/completions");
  },
  presetGroq(v, sims) {
    assert.equal(v.provider, "groq");
    assert.equal(v.text, "Groq preset reply.");
    assert.equal(sims.presetGroq!.requests.find((r) => r.method === "POST")?.headers.authorization, "Bearer gsk-test");
  },
  presetMissingKey(v) {
    assert.equal(v.threw, true, "a hosted preset without a key must be refused");
    assert.equal(v.name, "ConfigError", v.message);
    assert.equal(v.isConfigError, true, "instanceof ConfigError");
    assert.equal(v.isLlmError, true, "instanceof LlmError");
    assert.match(v.message, /API key/);
  },
  portable(v, _sims, runtime) {
    assert.equal(v.text, "Simulated in-process.");
    assert.ok(v.exports.includes("simulatorFetch"), `exports: ${v.exports}`);
    // In the browser the import map loads the portable entry: it must not carry the Node-only server.
    if (runtime === "chromium") assert.ok(!v.exports.includes("startSimulator"), `exports: ${v.exports}`);
  },
  portableBase64(v) {
    closeTo(v.embedding, v.expected, "in-process base64 embedding");
    assert.deepEqual(v.expected, simEmbedding("alpha", 8));
  },
};

// ---------------------------------------------------------------------------------------------
// The packed package, installed once into a temp app that also holds the scenario files.

let work = "";
let app = "";

before(() => {
  work = mkdtempSync(join(tmpdir(), "mimir-runtimes-"));
  // --ignore-scripts: `npm test` has just built dist/ (prepack would build it again).
  const out = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(work, out)], { cwd: app, stdio: "pipe" });
  for (const f of ["scenario.mjs", "cli.mjs", "browser.mjs", "index.html"]) copyFileSync(join(runtimesDir, f), join(app, f));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function withSimulators<T>(fn: (sims: Record<string, Simulator>, urls: Record<string, string>) => Promise<T>): Promise<T> {
  const sims: Record<string, Simulator> = {};
  try {
    for (const [step, o] of Object.entries(simOptions)) sims[step] = await startSimulator(o);
    const urls = Object.fromEntries(Object.entries(sims).map(([k, s]) => [k, s.baseURL]));
    return await fn(sims, urls);
  } finally {
    await Promise.all(Object.values(sims).map((s) => s.close()));
  }
}

/** Assert a scenario result: the right runtime ran, every step is there, and each one observed what it should. */
async function checkResult(t: TestContext, result: any, sims: Record<string, Simulator>, runtime: string, runtimePrefix: RegExp): Promise<void> {
  assert.ok(result && typeof result === "object", "the scenario produced a result");
  assert.equal(result.fatal, undefined, `the scenario crashed: ${JSON.stringify(result.fatal)}`);
  assert.match(result.runtime, runtimePrefix, "the scenario ran in the intended runtime");
  t.diagnostic(result.runtime);
  assert.deepEqual(Object.keys(result.steps), STEPS, "the scenario ran every step");
  for (const name of STEPS) {
    await t.test(`${runtime}: ${name}`, () => {
      const r: StepResult = result.steps[name];
      if (!r.ok) assert.fail(`${runtime}: step "${name}" threw ${r.error!.name}: ${r.error!.message}\n${r.error!.stack ?? ""}`);
      checks[name]!(r.value, sims, runtime);
    });
  }
}

/** Run cli.mjs in a command-line runtime; its result is the one `MIMIR-RESULT` line it prints. */
function runCli(cmd: string, args: string[], urls: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Promise<any> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, [...args, JSON.stringify(urls)], { cwd: app, env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("MIMIR-RESULT "));
      if (line) return resolvePromise(JSON.parse(line.slice("MIMIR-RESULT ".length)));
      reject(new Error(`${cmd} printed no result (${err ? err.message : "exit 0"})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

/** The first executable that exists (and is at least `minBytes` big), or a failure naming the setup script. */
function tool(what: string, candidates: string[], minBytes = 1): string {
  for (const c of candidates) if (existsSync(c) && statSync(c).size >= minBytes) return c;
  assert.fail(`${what} is not installed (looked for ${candidates.join(", ")}): ${SETUP}`);
}

const mods = (p: string) => join(runtimesDir, "node_modules", p);
const arch = process.arch === "arm64" ? "aarch64" : process.arch;

test("runtime matrix: node (control)", { timeout: 180_000 }, async (t) => {
  await withSimulators(async (sims, urls) => {
    const result = await runCli(process.execPath, ["cli.mjs"], urls);
    await checkResult(t, result, sims, "node", /^node /);
  });
});

test("runtime matrix: bun", { timeout: 180_000 }, async (t) => {
  const bun = tool("Bun", [
    mods(`@oven/bun-${process.platform}-${arch}/bin/bun`),
    mods(`@oven/bun-${process.platform}-${arch}-baseline/bin/bun`),
    // Where bun's own postinstall moves the binary, if it ran; before that bin/bun.exe is a tiny placeholder.
    mods("bun/bin/bun.exe"),
  ], 1_000_000);
  await withSimulators(async (sims, urls) => {
    const result = await runCli(bun, ["cli.mjs"], urls);
    await checkResult(t, result, sims, "bun", /^bun /);
  });
});

test("runtime matrix: deno, without --allow-env", { timeout: 180_000 }, async (t) => {
  const deno = tool("Deno", [mods(`@deno/${process.platform}-${process.arch}-glibc/deno`)]);
  await withSimulators(async (sims, urls) => {
    // Network to loopback only and nothing else (module loading needs no read permission); NO env: the core must not need it.
    const denoDir = join(work, "deno-dir");
    const result = await runCli(deno, ["run", "--no-prompt", "--no-lock", "--allow-net=127.0.0.1", "cli.mjs"], urls, { ...process.env, DENO_DIR: denoDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" });
    await checkResult(t, result, sims, "deno", /^deno /);
  });
});

// ---------------------------------------------------------------------------------------------
// Chromium: a static server for the app on its own origin, the page loads the package by import map.

const mime: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".map": "application/json" };

async function serveApp(dir: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = resolve(dir, "." + decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (req.method !== "GET" || !path.startsWith(dir + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": mime[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

// Flags that work on this closed network: without the background-networking ones Chromium's own
// connections are refused and the launch stalls. Playwright gives each launch a fresh profile dir.
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

test("runtime matrix: chromium (page on another origin, package by import map)", { timeout: 180_000 }, async (t) => {
  // Debian's chromium (CHROMIUM_PATH may name another build, e.g. on a developer's own machine).
  const chromiumPath = tool("Chromium", [process.env.CHROMIUM_PATH || "/usr/bin/chromium"]);
  const playwrightEntry = mods("playwright-core/index.mjs");
  if (!existsSync(playwrightEntry)) assert.fail(`playwright-core is not installed (${playwrightEntry}): ${SETUP}`);
  const { chromium } = await import(pathToFileURL(playwrightEntry).href);
  const { origin, server } = await serveApp(app);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS, timeout: 60_000 });
  try {
    await withSimulators(async (sims, urls) => {
      const page = await browser.newPage();
      const log: string[] = [];
      page.on("console", (m: any) => log.push(`console.${m.type()}: ${m.text()}`));
      page.on("pageerror", (e: Error) => log.push(`pageerror: ${e.message}`));
      page.on("requestfailed", (r: any) => log.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`));
      await page.goto(`${origin}/index.html#${encodeURIComponent(JSON.stringify(urls))}`, { timeout: 60_000 });
      await page.waitForFunction(() => (globalThis as any).__mimirResult !== undefined, null, { timeout: 120_000 });
      const result = await page.evaluate(() => (globalThis as any).__mimirResult);
      // What the page said is often the only clue to a failure (a CORS refusal is logged, not thrown).
      if (log.length) t.diagnostic(log.slice(0, 30).join("\n"));
      assert.notEqual(new URL(urls.chat!).origin, origin, "the page and the simulators are on different origins");
      await checkResult(t, result, sims, "chromium", /^browser .*Chrome\//);
    });
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
