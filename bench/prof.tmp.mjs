import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { makeClients } from "/work/main/bench/clients.mjs";
const child = spawn(process.execPath, ["/work/main/bench/server.mjs", JSON.stringify({ streamChunks: 100000 })], { stdio: ["ignore", "pipe", "inherit"] });
const line = await new Promise((r) => createInterface({ input: child.stdout }).once("line", r));
const origin = `http://127.0.0.1:${JSON.parse(line).port}`;
const which = process.argv[2] ?? "mimir";
const w = process.argv[3] ?? "stream";
const [c] = await makeClients([which]);
for (let i = 0; i < 12; i++) {
  const t0 = performance.now();
  if (w === "tool") await c.tool(`${origin}/w/tool/v1`); else await c.stream(`${origin}/w/stream/v1`, t0);
  if (i >= 9) console.log(which, w, (performance.now() - t0).toFixed(1), "ms");
}
child.kill();
