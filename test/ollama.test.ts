import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, ConnectionError, NotFoundError, startSimulator } from "./exports.js";
import { createOllama, type PullProgress } from "../src/ollama/index.js";
import { closedPort } from "./cli-helpers.js";
import { rejection } from "./helpers.js";

async function withOllama<T>(o: Parameters<typeof startSimulator>[0], fn: (m: ReturnType<typeof createOllama>, sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<T>) {
  const sim = await startSimulator({ dialect: "ollama", ...o });
  try {
    return await fn(createOllama({ baseURL: `${sim.origin}/v1` }), sim);
  } finally {
    await sim.close();
  }
}

test("version, listModels, showModel, runningModels, deleteModel over Ollama's model endpoints", async () => {
  await withOllama({ ollama: { installed: ["llama3.2", "nomic-embed-text"], version: "0.12.3" } }, async (m, sim) => {
    assert.equal(m.baseURL, sim.origin, "a /v1 suffix is dropped: model management is at the root");
    assert.equal(await m.version(), "0.12.3");
    assert.deepEqual((await m.listModels()).map((x) => x.name), ["llama3.2:latest", "nomic-embed-text:latest"]);
    const show = await m.showModel("llama3.2");
    assert.match(String(show.modelfile), /FROM llama3\.2:latest/);
    const e = await rejection(m.showModel("ghost"));
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.model, "ghost");
    assert.deepEqual(await m.runningModels(), []);
    await m.deleteModel("nomic-embed-text");
    assert.deepEqual((await m.listModels()).map((x) => x.name), ["llama3.2:latest"]);
    assert.ok((await rejection(m.deleteModel("nomic-embed-text"))) instanceof NotFoundError);
    assert.deepEqual(sim.requests.map((r) => `${r.method} ${r.path}`).filter((x) => !x.includes("/v1/")), [
      "GET /api/version", "GET /api/tags", "POST /api/show", "POST /api/show", "GET /api/ps", "DELETE /api/delete", "GET /api/tags", "DELETE /api/delete",
    ]);
  });
});

test("pullModel reads the NDJSON progress into events with totals across layers", async () => {
  await withOllama({ ollama: { installed: [], layerBytes: 1000, steps: 4, stepDelayMs: 1 } }, async (m) => {
    const events: PullProgress[] = [];
    await m.pullModel("tinyllama", { onProgress: (p) => events.push(p) });
    assert.equal(events[0]!.status, "pulling manifest");
    assert.equal(events.at(-1)!.status, "success");
    const layer = events.filter((e) => e.digest);
    assert.ok(layer.length >= 10);
    assert.ok(layer.every((e) => typeof e.total === "number" && typeof e.completed === "number"));
    // Totals grow as layers appear and end at both layers complete.
    assert.deepEqual([events.at(-1)!.completedBytes, events.at(-1)!.totalBytes], [2000, 2000]);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.completedBytes >= events[i - 1]!.completedBytes);
    assert.deepEqual((await m.listModels()).map((x) => x.name), ["tinyllama:latest"]);
  });
});

test("pullModel: a model missing from the registry (error inside the 200 stream) → NotFoundError", async () => {
  await withOllama({}, async (m) => {
    const e = await rejection(m.pullModel("no-such-model"));
    assert.ok(e instanceof NotFoundError, String(e));
    assert.match(e.message, /no-such-model.*file does not exist/);
  });
});

test("pullModel is abortable mid-download and closes the connection", async () => {
  await withOllama({ ollama: { installed: [], steps: 50, stepDelayMs: 20 } }, async (m, sim) => {
    const ac = new AbortController();
    let seen = 0;
    const e = await rejection(m.pullModel("llama3.2", { signal: ac.signal, onProgress: () => { if (++seen === 5) ac.abort(); } }));
    assert.ok(e instanceof AbortError, String(e));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(sim.requests.find((r) => r.path === "/api/pull")!.closedEarly, true);
  });
});

test("ensureModel: present → nothing pulled; absent → pulled; server down → ConnectionError with a hint", async () => {
  await withOllama({ ollama: { installed: ["llama3.2"] } }, async (m, sim) => {
    assert.deepEqual(await m.ensureModel("llama3.2:latest"), { pulled: false });
    assert.deepEqual(await m.ensureModel("qwen3:0.6b"), { pulled: true });
    assert.equal(sim.requests.filter((r) => r.path === "/api/pull").length, 1);
  });
  const down = createOllama({ baseURL: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 });
  const e = await rejection(down.ensureModel("llama3.2"));
  assert.ok(e instanceof ConnectionError);
  assert.match(e.message, /ollama serve/);
});

test("OLLAMA_HOST is honoured by model management too", async () => {
  const old = process.env.OLLAMA_HOST;
  process.env.OLLAMA_HOST = "127.0.0.1:7777";
  try {
    assert.equal(createOllama().baseURL, "http://127.0.0.1:7777");
  } finally {
    if (old === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = old;
  }
});
