// Build step: bundle each entry point with esbuild, sharing code through chunks (so classes like
// LlmError stay one identity across entry points). One file per entry instead of ~30 modules makes
// a cold `import "mimir-llm"` cheaper (the benchmark's import figure). Types come from tsc.
import { build } from "esbuild";
import { chmodSync } from "node:fs";

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
