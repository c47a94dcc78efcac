import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

test("the packed tarball installs in a plain Node project: imports, types resolve, zero dependencies, no Node-only import in the core", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "mimir-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
    const tgz = join(dir, out);
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tgz], { cwd: app, stdio: "pipe" });
    const pkg = JSON.parse(readFileSync(join(app, "node_modules/mimir-llm/package.json"), "utf8"));
    assert.equal(Object.keys(pkg.dependencies ?? {}).length, 0);
    writeFileSync(join(app, "main.mjs"), `
      import { createClient, LlmError, presets } from "mimir-llm";
      import { startSimulator } from "mimir-llm/testing";
      const sim = await startSimulator({ script: [{ text: "packed ok" }] });
      const llm = createClient({ baseURL: sim.baseURL, model: "m" });
      console.log(await llm.complete("hi"), typeof LlmError, Object.keys(presets).length);
      await sim.close();
    `);
    assert.equal(execFileSync("node", ["main.mjs"], { cwd: app, encoding: "utf8" }).trim(), "packed ok function 14");
    // The installed command works offline, as the README's first "run it" line says.
    assert.equal(execFileSync(join(app, "node_modules/.bin/mimir-llm"), ["chat", "--provider", "mock", "hello"], { cwd: app, encoding: "utf8" }), "You said: hello\n");
    writeFileSync(join(app, "main.ts"), `
      import { createClient, type ChatCompletion, type ChatCompletionChunk } from "mimir-llm";
      const llm = createClient({ provider: "ollama" });
      export async function f(): Promise<string | null> {
        const c: ChatCompletion = await llm.chat.completions.create({ messages: [{ role: "user", content: "x" }] });
        const s = await llm.chat.completions.create({ messages: [{ role: "user", content: "x" }], stream: true });
        for await (const ch of s) { const x: ChatCompletionChunk = ch; void x; }
        return c.choices[0]!.message.content;
      }
    `);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true, skipLibCheck: false, lib: ["es2022", "dom"], types: [] }, files: ["main.ts"] }));
    execFileSync("node", [join(root, "node_modules/typescript/bin/tsc"), "-p", app], { cwd: app, stdio: "pipe" });
    // The core must run wherever fetch runs: nothing reachable from the core entry imports node:*.
    const dist = join(app, "node_modules/mimir-llm/dist");
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, "utf8");
      assert.equal(/from\s*["']node:|import\(["']node:|require\(/.test(code), false, `Node-only import reachable from the core: ${file}`);
      for (const m of code.matchAll(/from\s*["'](\.{1,2}\/[^"']+)["']/g)) visit(resolve(dirname(file), m[1]!));
    };
    visit(join(dist, "index.js"));
    assert.ok(seen.size >= 2, "the core entry and its chunks were followed");
    // …while the Node-only entry points do use Node (so the check above can fail).
    assert.match(readFileSync(join(dist, "node/index.js"), "utf8") + [...new Set(readFileSync(join(dist, "node/index.js"), "utf8").match(/chunks\/[^"']+/g))].map((c) => readFileSync(join(dist, c), "utf8")).join(""), /from "node:fs"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
