import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "./exports.js";
import { cli, cliTty, closedPort, hasScript } from "./cli-helpers.js";

const empty = mkdtempSync(join(tmpdir(), "mimir-cli-"));
const env = { XDG_CONFIG_HOME: empty, MIMIR_LLM_CONFIG: undefined };

test("pull: plain progress lines when not a terminal; the model is then installed", async () => {
  const sim = await startSimulator({ dialect: "ollama", ollama: { installed: [], layerBytes: 2_000_000, steps: 4 } });
  try {
    const r = await cli(["pull", "tinyllama", "--base-url", sim.origin], { cwd: empty, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "pulled tinyllama\n");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines[0], "pulling manifest");
    assert.match(lines[1]!, /^pulling [0-9a-f]{12} \(2\.0 MB\)$/);
    assert.equal(lines.at(-1), "success");
    assert.equal(r.stderr.includes("\r"), false, "no carriage returns when not a TTY");
    const ps = await fetch(`${sim.origin}/api/tags`).then((x) => x.json());
    assert.deepEqual(ps.models.map((m: any) => m.name), ["tinyllama:latest"]);
  } finally {
    await sim.close();
  }
});

test("pull under a terminal draws a progress bar with percent, bytes and speed", { skip: !hasScript }, async () => {
  const sim = await startSimulator({ dialect: "ollama", ollama: { installed: [], layerBytes: 50_000_000, steps: 10, stepDelayMs: 100 } });
  try {
    const r = await cliTty(["pull", "llama3.2", "--base-url", sim.origin], "", { OLLAMA_HOST: "" });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\r\x1b\[2Kpulling [0-9a-f]{12} +\d+% \[[█░]{24}\] [\d.]+ MB\/50\.0 MB/);
    assert.match(r.stdout, /100% \[█{24}\] 50\.0 MB\/50\.0 MB/);
    assert.match(r.stdout, /MB\/s|KB\/s/);
    assert.match(r.stdout, /pulled llama3\.2/);
  } finally {
    await sim.close();
  }
});

test("pull of a model that does not exist: exit 1, one clear line", async () => {
  const sim = await startSimulator({ dialect: "ollama" });
  try {
    const r = await cli(["pull", "no-such-model", "--base-url", sim.origin], { cwd: empty, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /model "no-such-model" not found in the registry/);
  } finally {
    await sim.close();
  }
});

test("rm deletes; rm of a missing model exits 1; ps lists loaded models", async () => {
  const sim = await startSimulator({ dialect: "ollama", ollama: { installed: ["llama3.2", "qwen3:0.6b"] } });
  try {
    const r = await cli(["rm", "qwen3:0.6b", "--base-url", sim.origin], { cwd: empty, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "deleted qwen3:0.6b\n");
    const again = await cli(["rm", "qwen3:0.6b", "--base-url", sim.origin], { cwd: empty, env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not found/);
    assert.equal((await cli(["ps", "--base-url", sim.origin], { cwd: empty, env })).stdout, "no model loaded\n");
    await cli(["chat", "--base-url", `${sim.origin}/v1`, "--model", "llama3.2", "hi"], { cwd: empty, env });
    const ps = await cli(["ps", "--base-url", sim.origin], { cwd: empty, env });
    assert.match(ps.stdout, /^NAME\s+SIZE\s+VRAM\s+UNTIL\nllama3\.2:latest\s/);
  } finally {
    await sim.close();
  }
});

test("a server that is down: exit 1 and a hint to start Ollama", async () => {
  const r = await cli(["ps", "--base-url", `http://127.0.0.1:${await closedPort()}`], { cwd: empty, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/api\/ps failed: connection refused \(ECONNREFUSED\) — is Ollama running there\? Start it with `ollama serve`.* \[2 attempts\]/);
});
