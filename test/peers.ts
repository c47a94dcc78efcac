import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../..");

/**
 * The benchmark's peer clients (the AI SDK, undici) live in bench/package.json, not in the root's
 * devDependencies: the AI SDK declares Node ≥ 22, and the root `npm ci` must stay quiet on Node 20.
 * Tests that drive them install them on first use, as `npm run bench` does.
 */
export function ensureBenchPeers(): void {
  if (existsSync(resolve(root, "bench/node_modules/ai/package.json"))) return;
  execFileSync("npm", ["ci", "--prefix", "bench", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, stdio: "pipe", timeout: 170_000 });
}

/** Import one of the bench's peers (untyped: its types are not part of this build). */
export async function benchPeer(name: string): Promise<any> {
  ensureBenchPeers();
  const path = createRequire(resolve(root, "bench/package.json")).resolve(name);
  return import(pathToFileURL(path).href);
}
