// node bench/tool-loop.mjs [--quick | --smoke] [--out=FILE] [--only=runTools,hand,...]   (--smoke writes no file unless --out is given)
//
// The tool loop, end to end: 10 model calls (9 of them asking for `roll` with {"d":N}, one call per
// step, then a text answer) and 9 tool executions, through four contenders:
//   runTools  mimir-llm's llm.chat.completions.runTools(...).done()
//   hand      a hand-written loop over mimir-llm's chat.completions.create (the floor runTools is held to)
//   openai    the openai SDK's client.chat.completions.runTools(...)
//   aisdk     the AI SDK's generateText({ tools, stopWhen: stepCountIs(10) })
// The fake server runs in its own process (pinned to core 0 where taskset exists) and answers by
// counting the tool messages in the request, from pre-serialised bodies; it also checks every tool
// result it is sent, so a contender that skips or garbles work fails loudly. The contenders run in a
// second process (core 1), alternating round by round in a shuffled order; round 0 warms up and is not counted.
//
// One file, three roles: this script (orchestrates, prints, writes bench/results/tool-loop.json),
// `--serve` (the server) and `--worker <json>` (the timed loops, one JSON line of samples on stdout).
// To profile one contender: start `node bench/tool-loop.mjs --serve`, then
//   node --cpu-prof bench/tool-loop.mjs --worker '{"origin":"http://127.0.0.1:PORT","rounds":5,"loops":100,"only":["runTools"]}'
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");

// ---------------------------------------------------------------------------------------------
// The script: 9 tool calls, then text. Shared by the server (to answer and to check) and the
// contenders (to check what they end with).
const STEPS = 10;
const CALLS = STEPS - 1;
const DICE = [4, 6, 8, 10, 12, 20, 100, 2, 3];
const FINAL_TEXT = "Nine rolls later, the dragon flees.";
const USER = [{ role: "user", content: "Roll the dice nine times, one roll per turn, then tell me what happens." }];
const PARAMETERS = { type: "object", properties: { d: { type: "integer", description: "Sides of the die" } }, required: ["d"], additionalProperties: false };
const DESCRIPTION = "Roll one die with d sides";
const callId = (i) => `call_roll_${i}`;
/** What the tool returns for {d}: a small object, so every contender serialises it (JSON) the same way. */
const rollResult = (d) => ({ d, value: 1 });
const expectedContent = (i) => JSON.stringify(rollResult(DICE[i]));

const mode = process.argv[2] === "--serve" ? "serve" : process.argv[2] === "--worker" ? "worker" : "main";
if (mode === "serve") serve();
else if (mode === "worker") await worker(JSON.parse(process.argv[3]));
else await main();

// ---------------------------------------------------------------------------------------------
// The server: flat cost per request (parse the body, count, check, write a ready buffer).
function serve() {
  const created = 1700000000;
  const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
  const bodies = [];
  for (let i = 0; i < CALLS; i++) {
    bodies.push(Buffer.from(JSON.stringify({
      id: `chatcmpl-tl${i}`, object: "chat.completion", created, model: "bench",
      choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: callId(i), type: "function", function: { name: "roll", arguments: `{"d":${DICE[i]}}` } }] }, finish_reason: "tool_calls", logprobs: null }],
      usage,
    })));
  }
  bodies.push(Buffer.from(JSON.stringify({
    id: `chatcmpl-tl${CALLS}`, object: "chat.completion", created, model: "bench",
    choices: [{ index: 0, message: { role: "assistant", content: FINAL_TEXT }, finish_reason: "stop", logprobs: null }],
    usage,
  })));
  const fail = (res, message) => {
    process.stderr.write(`tool-loop server: refused a request: ${message}\n`);
    const b = Buffer.from(JSON.stringify({ error: { message: `bench server: ${message}`, type: "invalid_request_error" } }));
    res.writeHead(400, { "content-type": "application/json", "content-length": b.length }).end(b);
  };
  /** The history must be the user turn, then (assistant call i, tool result i) for each step so far. */
  function check(body) {
    if (!Array.isArray(body.messages)) return "no messages";
    if (!body.tools?.some((t) => t.function?.name === "roll")) return "the roll tool was not sent";
    const tools = body.messages.filter((m) => m.role === "tool");
    if (tools.length > CALLS) return `${tools.length} tool messages, more than ${CALLS}`;
    const assistants = body.messages.filter((m) => m.role === "assistant");
    if (assistants.length !== tools.length) return `${assistants.length} assistant turns for ${tools.length} tool results`;
    for (let i = 0; i < tools.length; i++) {
      const id = assistants[i].tool_calls?.[0]?.id;
      if (id !== callId(i)) return `assistant turn ${i} carries call ${JSON.stringify(id)}, want ${callId(i)}`;
      if (tools[i].tool_call_id !== callId(i)) return `tool result ${i} answers ${JSON.stringify(tools[i].tool_call_id)}, want ${callId(i)}`;
      const content = typeof tools[i].content === "string" ? tools[i].content : JSON.stringify(tools[i].content);
      if (content !== expectedContent(i)) return `tool result ${i} is ${content}, want ${expectedContent(i)}`;
    }
    return tools.length;
  }
  const server = createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) return res.writeHead(404).end();
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      } catch {
        return fail(res, "the body is not JSON");
      }
      if (body.stream) return fail(res, "this bench is non-streamed");
      const n = check(body);
      if (typeof n === "string") return fail(res, n);
      const b = bodies[n];
      res.writeHead(200, { "content-type": "application/json", "content-length": b.length }).end(b);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n"));
  process.on("SIGTERM", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The contenders. Each `run()` does one whole loop and returns what it ended with, checked by `verify`.
async function contenders(base) {
  let executions = 0;
  const roll = (d) => (executions++, rollResult(d));
  const out = {};

  const { createClient, tool } = await import(pathToFileURL(join(root, "dist/index.js")).href);
  const llm = createClient({ baseURL: base, model: "bench", maxRetries: 0 });
  const mimirRoll = tool({ name: "roll", description: DESCRIPTION, parameters: PARAMETERS, execute: ({ d }) => roll(d) });
  out.runTools = async () => {
    const r = await llm.chat.completions.runTools({ messages: USER, tools: [mimirRoll], maxSteps: STEPS }).done();
    return { text: r.completion.choices[0].message.content, steps: r.steps.length, results: r.messages.filter((m) => m.role === "tool").map((m) => m.content) };
  };

  const wireTools = [{ type: "function", function: { name: "roll", description: DESCRIPTION, parameters: PARAMETERS } }];
  const fns = { roll: ({ d }) => roll(d) };
  out.hand = async () => {
    const messages = [...USER];
    for (let step = 1; step <= STEPS; step++) {
      const c = await llm.chat.completions.create({ messages, tools: wireTools });
      const m = c.choices[0].message;
      if (!m.tool_calls?.length) return { text: m.content, steps: step, results: messages.filter((x) => x.role === "tool").map((x) => x.content) };
      messages.push({ role: "assistant", content: m.content ?? null, tool_calls: m.tool_calls });
      for (const call of m.tool_calls) {
        const value = await fns[call.function.name](JSON.parse(call.function.arguments));
        messages.push({ role: "tool", tool_call_id: call.id, content: typeof value === "string" ? value : JSON.stringify(value) });
      }
    }
    throw new Error("hand: no answer within 10 steps");
  };

  // openai 6.x has runTools on chat.completions (no longer beta); maxChatCompletions defaults to 10, set anyway.
  const { default: OpenAI } = await import("openai");
  const openai = new OpenAI({ baseURL: base, apiKey: "bench", maxRetries: 0 });
  if (typeof openai.chat.completions.runTools !== "function") throw new Error("openai: chat.completions.runTools is missing in this version");
  const openaiTools = [{ type: "function", function: { name: "roll", description: DESCRIPTION, parameters: PARAMETERS, parse: JSON.parse, function: ({ d }) => roll(d) } }];
  out.openai = async () => {
    const runner = openai.chat.completions.runTools({ model: "bench", messages: USER, tools: openaiTools }, { maxChatCompletions: STEPS });
    const text = await runner.finalContent();
    return { text, steps: runner.allChatCompletions().length, results: runner.messages.filter((m) => m.role === "tool").map((m) => m.content) };
  };

  // The AI SDK from bench/node_modules, as test/peers.ts loads it.
  const peer = (name) => import(pathToFileURL(createRequire(join(here, "package.json")).resolve(name)).href);
  const { generateText, stepCountIs, tool: aiTool, jsonSchema } = await peer("ai");
  const { createOpenAICompatible } = await peer("@ai-sdk/openai-compatible");
  const model = createOpenAICompatible({ name: "bench", baseURL: base })("bench");
  const aiTools = { roll: aiTool({ description: DESCRIPTION, inputSchema: jsonSchema(PARAMETERS), execute: async ({ d }) => roll(d) }) };
  out.aisdk = async () => {
    const r = await generateText({ model, messages: USER, tools: aiTools, stopWhen: stepCountIs(STEPS), maxRetries: 0 });
    return { text: r.text, steps: r.steps.length, results: r.steps.flatMap((s) => s.toolResults.map((t) => JSON.stringify(t.output))) };
  };

  return { fns: out, executions: () => executions };
}

/** `xs` in an order fixed by `seed` (Fisher–Yates over a mulberry32 stream). */
function shuffle(xs, seed) {
  let a = (seed * 0x9e3779b9) >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function verify(name, got, ran) {
  const want = Array.from({ length: CALLS }, (_, i) => expectedContent(i));
  const problems = [];
  if (got.text !== FINAL_TEXT) problems.push(`final text ${JSON.stringify(got.text)}`);
  if (got.steps !== STEPS) problems.push(`${got.steps} steps`);
  if (JSON.stringify(got.results) !== JSON.stringify(want)) problems.push(`tool results ${JSON.stringify(got.results)}`);
  if (ran !== CALLS) problems.push(`${ran} tool executions`);
  if (problems.length) throw new Error(`${name}: wrong loop: ${problems.join("; ")} (want ${STEPS} steps, ${CALLS} results, ${JSON.stringify(FINAL_TEXT)})`);
}

// ---------------------------------------------------------------------------------------------
// The worker: rounds × contenders × loops; per loop one time sample.
async function worker(cfg) {
  const { fns, executions } = await contenders(`${cfg.origin}/v1`);
  const names = Object.keys(fns).filter((n) => !cfg.only || cfg.only.includes(n));
  const samples = Object.fromEntries(names.map((n) => [n, { ms: [], cpuMs: [] }]));
  const gc = () => globalThis.gc?.();
  for (let round = 0; round <= cfg.rounds; round++) {
    // A fresh order each round (seeded, so runs repeat): no contender always follows the same one.
    const order = shuffle(names, round);
    for (const name of order) {
      const fn = fns[name];
      const times = [];
      gc();
      const cpu0 = process.cpuUsage();
      const loops = round === 0 ? cfg.warmup ?? cfg.loops : cfg.loops;
      for (let i = 0; i < loops; i++) {
        const before = executions();
        const t0 = performance.now();
        let got;
        try {
          got = await fn();
        } catch (e) {
          throw new Error(`${name}: the loop failed: ${e?.message ?? e}`, { cause: e });
        }
        times.push(performance.now() - t0);
        verify(name, got, executions() - before);
      }
      const cpu = process.cpuUsage(cpu0);
      // Round 0 warms the JIT and the connections (longer than a round: the first rounds still ran slow); it is not counted.
      if (round > 0) {
        samples[name].ms.push(times);
        samples[name].cpuMs.push((cpu.user + cpu.system) / 1000 / cfg.loops);
      }
    }
    process.stderr.write(`  round ${round}/${cfg.rounds} done\n`);
  }
  process.stdout.write(JSON.stringify(samples) + "\n");
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.
async function main() {
  const smoke = process.argv.includes("--smoke");
  const quick = smoke || process.argv.includes("--quick");
  const ROUNDS = smoke ? 1 : quick ? 12 : 30;
  const LOOPS = smoke ? 2 : quick ? 20 : 40;
  const WARMUP = smoke ? 2 : 100;
  const outArg = process.argv.find((a) => a.startsWith("--out="))?.slice(6);
  const onlyArg = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  // --smoke checks the harness: it writes a file only when asked (--out), so it never overwrites results.
  const OUT = outArg ?? (smoke ? null : join(here, "results", "tool-loop.json"));
  if (!existsSync(join(root, "dist/index.js"))) {
    console.error("tool-loop: build first (npm run build)");
    process.exit(2);
  }
  if (!existsSync(join(here, "node_modules/ai/package.json"))) {
    console.error("tool-loop: install the peers first (npm ci --prefix bench)");
    process.exit(2);
  }
  const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  const pinned = (core, args) => (hasTaskset ? ["taskset", ["-c", String(core), ...args]] : [args[0], args.slice(1)]);
  const self = fileURLToPath(import.meta.url);
  console.error(`tool-loop: node ${process.version}, taskset ${hasTaskset ? "yes" : "no"}, ${ROUNDS} rounds × ${LOOPS} loops${smoke ? " (smoke)" : quick ? " (quick)" : ""}`);

  const [scmd, sargs] = pinned(0, [process.execPath, self, "--serve"]);
  const server = spawn(scmd, sargs, { stdio: ["ignore", "pipe", "inherit"] });
  let samples;
  try {
    const line = await new Promise((res, rej) => {
      createInterface({ input: server.stdout }).once("line", res);
      server.once("exit", (c) => rej(new Error(`tool-loop server exited (${c})`)));
    });
    const origin = `http://127.0.0.1:${JSON.parse(line).port}`;
    const cfg = { origin, rounds: ROUNDS, loops: LOOPS, warmup: WARMUP, ...(onlyArg ? { only: onlyArg.split(",") } : {}) };
    const [wcmd, wargs] = pinned(1, [process.execPath, "--expose-gc", self, "--worker", JSON.stringify(cfg)]);
    const r = spawnSync(wcmd, wargs, { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20, timeout: 10 * 60_000 });
    if (r.status !== 0) throw new Error(`tool-loop worker failed (${r.status ?? r.signal}): ${(r.stdout ?? "").slice(-500)}`);
    samples = JSON.parse(r.stdout.trim().split("\n").pop());
  } finally {
    server.kill("SIGTERM");
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Per contender: the median loop over all counted loops (the headline), the mean (GC pauses and
  // hiccups included), the p90, the client process's CPU per loop, and how far the rounds' own
  // medians spread. Ratios to the hand-written loop are paired: per round (the rounds alternate, so
  // both saw the same machine), then the median over rounds.
  const stats = {};
  for (const [name, { ms, cpuMs }] of Object.entries(samples)) {
    const all = ms.flat().sort((a, b) => a - b);
    const roundMedians = ms.map(median);
    const med = median(all);
    stats[name] = {
      loops: all.length,
      medianMsPerLoop: med,
      medianUsPerStep: (med * 1000) / STEPS,
      meanMsPerLoop: mean(all),
      p90MsPerLoop: all[Math.min(all.length - 1, Math.floor(all.length * 0.9))],
      cpuUsPerStep: (median(cpuMs) * 1000) / STEPS,
      roundMedians,
      roundCpuMs: cpuMs,
      spread: roundMedians.length > 1 ? (Math.max(...roundMedians) - Math.min(...roundMedians)) / median(roundMedians) : 0,
    };
  }
  const hand = samples.hand;
  for (const [name, s] of Object.entries(stats)) {
    if (!hand) continue;
    const { ms, cpuMs } = samples[name];
    s.vsHand = median(ms.map((r, i) => median(r) / median(hand.ms[i])));
    s.vsHandCpu = median(cpuMs.map((c, i) => c / hand.cpuMs[i]));
    s.vsHandMean = s.meanMsPerLoop / stats.hand.meanMsPerLoop;
  }
  const version = (dir, name) => JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version;
  const env = {
    node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, taskset: hasTaskset,
    rounds: ROUNDS, loopsPerRound: LOOPS, warmupLoops: WARMUP, steps: STEPS, toolCalls: CALLS, mode: smoke ? "smoke" : quick ? "quick" : "full", date: new Date().toISOString(),
    versions: { openai: version(root, "openai"), ai: version(here, "ai"), "@ai-sdk/openai-compatible": version(here, "@ai-sdk/openai-compatible") },
  };
  const labels = {
    runTools: "mimir-llm runTools",
    hand: "hand-written loop over mimir create",
    openai: "openai chat.completions.runTools",
    aisdk: "AI SDK generateText + stepCountIs(10)",
  };
  const f = (x, d = 2) => (x === undefined ? "–" : x.toFixed(d));
  const lines = [
    `Tool loop: ${STEPS} model calls (${CALLS} tool calls, one per step, then text) and ${CALLS} tool executions per loop, non-streamed, against a loopback server in its own process.`,
    `Node ${env.node}, ${env.cpus} cores, ${env.platform}; openai ${env.versions.openai}, ai ${env.versions.ai} + @ai-sdk/openai-compatible ${env.versions["@ai-sdk/openai-compatible"]}; ${ROUNDS} alternating rounds × ${LOOPS} loops after ${WARMUP} warm-up loops each (${env.mode}).`,
    `Median over all loops; × hand = median over rounds of the round's ratio; CPU = the client process's (all its threads, GC included); ± = half the min–max spread of the rounds' medians.`,
    "",
    "| contender | ms / loop | µs / step | × hand | CPU µs / step | CPU × hand | mean ms / loop | ± rounds |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const [name, s] of Object.entries(stats)) {
    lines.push(`| ${labels[name] ?? name} | ${f(s.medianMsPerLoop)} | ${f(s.medianUsPerStep, 0)} | ${f(s.vsHand)}× | ${f(s.cpuUsPerStep, 0)} | ${f(s.vsHandCpu)}× | ${f(s.meanMsPerLoop)} | ±${Math.round((s.spread / 2) * 100)}% |`);
  }
  let goal;
  if (stats.runTools && stats.hand) {
    const r = stats.runTools.vsHand;
    goal = { target: 1.1, runToolsOverHandPerStep: r, met: r <= 1.1, overheadUsPerStep: stats.runTools.medianUsPerStep - stats.hand.medianUsPerStep, cpuOverheadUsPerStep: stats.runTools.cpuUsPerStep - stats.hand.cpuUsPerStep };
    lines.push("", `runTools / hand-written loop, per step: ${f(r)}× (goal ≤ 1.10×: ${goal.met ? "met" : "MISSED"}); runTools adds ${f(goal.overheadUsPerStep, 0)} µs per step (${f(goal.cpuOverheadUsPerStep, 0)} µs of client CPU).`);
  }
  process.stdout.write(`\n${lines.join("\n")}\n`);
  if (OUT) {
    mkdirSync(dirname(OUT), { recursive: true });
    const raw = Object.fromEntries(Object.entries(samples).map(([n, { ms }]) => [n, ms.map((ts) => ts.map((t) => Math.round(t * 1000) / 1000))]));
    writeFileSync(OUT, JSON.stringify({ env, contenders: labels, stats, goal, rawMsPerLoop: raw }, null, 2) + "\n");
    console.error(`tool-loop: wrote ${OUT}`);
  }
}
