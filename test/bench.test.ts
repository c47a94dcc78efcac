import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ensureBenchPeers } from "./peers.js";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

test("the benchmark harness runs end to end (smoke sizes) and every client's output checks out", { timeout: 180_000 }, () => {
  ensureBenchPeers();
  // The worker throws when a client returns the wrong text or tool arguments, failing this run.
  execFileSync(process.execPath, [resolve(root, "bench/run.mjs"), "--smoke"], { cwd: root, stdio: "pipe", timeout: 170_000 });
  const r = JSON.parse(readFileSync(resolve(root, "bench/results/smoke.json"), "utf8"));
  const keys = r.figures.map((f: { key: string }) => f.key);
  for (const k of ["sequential", "parallel", "perEvent", "firstChunk", "toolCall", "toolCall4x", "peakRss", "peakHeap", "residue"]) assert.ok(keys.includes(k), k);
  for (const f of r.figures.filter((x: { key: string }) => x.key !== "toolCall4x")) {
    for (const c of ["mimir", "openai", "aisdk", "undici", "fetch"]) assert.ok(Number.isFinite(f.clients[c]?.median), `${f.key} ${c}`);
  }
  assert.equal(r.size.mimir.dependencies, 0);
  assert.ok(r.size.mimir.installedKB < 1024);
  assert.ok(r.imports.mimir.overBareMs !== undefined);
  assert.match(r.env.versions.openai, /^\d+\./);
});
