// Build step: bundle each entry point with esbuild, sharing code through chunks (so classes like
// LlmError stay one identity across entry points). One file per entry instead of ~30 modules makes
// a cold `import "mimir-llm"` cheaper (the benchmark's import figure). Types come from tsc.
import { build } from "esbuild";
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";

await build({
  entryPoints: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "testing/portable": "src/testing/portable.ts",
    "testing/server": "src/testing/server.ts",
    "node/index": "src/node/index.ts",
    "ollama/index": "src/ollama/index.ts",
    "cli/main": "src/cli/main.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["node:*"],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  logLevel: "warning",
});
chmodSync("dist/cli/main.js", 0o755);

// The core once more, one file per module (dist/esm/), for bundlers: the package's `sideEffects: false`
// lets them keep only the modules an app reaches (an app that only chats never loads the schema tooling
// behind parse() and tool()), which a pre-bundled chunk cannot offer. Node keeps the bundled entry
// (exports "node" condition); everything else resolves "mimir-llm" here.
const core = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      // Node-only parts and the simulator are not part of the core entry.
      if (!["cli", "node", "testing", "ollama"].includes(e.name)) walk(p);
    } else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) core.push(p);
  }
};
walk("src");
await build({
  entryPoints: core,
  outdir: "dist/esm",
  outbase: "src",
  bundle: false,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  logLevel: "warning",
});
