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
      import { mockFetch, mockPreset } from "mimir-llm/testing/portable";
      const sim = await startSimulator({ script: [{ text: "packed ok" }] });
      const llm = createClient({ baseURL: sim.baseURL, model: "m" });
      console.log(await llm.complete("hi"), typeof LlmError, Object.keys(presets).length);
      await sim.close();
      console.log(await createClient({ provider: mockPreset, fetch: mockFetch() }).complete("offline"));
    `);
    assert.equal(execFileSync("node", ["main.mjs"], { cwd: app, encoding: "utf8" }).trim(), "packed ok function 14\nYou said: offline");
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
    /** The entry file and every chunk it reaches through relative imports. */
    const reachable = (entry: string) => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        // Static imports and dynamic import()s (parse() loads its module on first use).
        for (const m of readFileSync(file, "utf8").matchAll(/(?:from\s*|import\()["'](\.{1,2}\/[^"']+)["']/g)) visit(resolve(dirname(file), m[1]!));
      };
      visit(join(dist, entry));
      return [...seen];
    };
    const nodeImport = /from\s*["']node:|import\(["']node:|require\(/;
    const core = reachable("index.js");
    for (const file of core) assert.equal(nodeImport.test(readFileSync(file, "utf8")), false, `Node-only import reachable from the core: ${file}`);
    assert.ok(core.length >= 2, "the core entry and its chunks were followed");
    assert.ok(core.some((f) => /parse-[A-Z0-9]+\.js$/.test(f)), "parse()'s lazily loaded chunk was followed");
    // The per-module core that bundlers resolve outside Node: the same promise, file by file.
    const pkg2 = JSON.parse(readFileSync(join(app, "node_modules/mimir-llm/package.json"), "utf8"));
    assert.equal(pkg2.exports["."].default, "./dist/esm/index.js");
    const esm = reachable("esm/index.js");
    assert.ok(esm.length > 20, `the per-module core was followed (${esm.length} files)`);
    for (const file of esm) assert.equal(nodeImport.test(readFileSync(file, "utf8")), false, `Node-only import in the per-module core: ${file}`);
    // The same for the portable simulator (mimir-llm/testing in a browser), which must not touch Node's
    // globals either: base64 goes through btoa, not Buffer.
    const portable = reachable("testing/portable.js");
    assert.ok(portable.length >= 2, "the portable entry and its chunks were followed");
    for (const file of portable) {
      const code = readFileSync(file, "utf8");
      assert.equal(nodeImport.test(code), false, `Node-only import reachable from testing/portable: ${file}`);
      assert.equal(/\bBuffer\b/.test(code), false, `Buffer used in code reachable from testing/portable: ${file}`);
      assert.equal(/\bprocess\./.test(code), false, `process used in code reachable from testing/portable: ${file}`);
    }
    // …while the Node-only entry points do use Node (so the checks above can fail).
    assert.ok(reachable("testing/server.js").some((f) => /\bBuffer\b/.test(readFileSync(f, "utf8"))), "the simulator's HTTP server uses Buffer");
    assert.match(readFileSync(join(dist, "node/index.js"), "utf8") + [...new Set(readFileSync(join(dist, "node/index.js"), "utf8").match(/chunks\/[^"']+/g))].map((c) => readFileSync(join(dist, c), "utf8")).join(""), /from "node:fs"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
