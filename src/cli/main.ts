#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { ConfigError, LlmError } from "../errors.js";
import { UsageError } from "./args.js";
import { chatCommand } from "./commands/chat.js";
import { modelsCommand } from "./commands/models.js";
import { psCommand, pullCommand, rmCommand } from "./commands/ollama.js";
import { providersCommand } from "./commands/providers.js";
import { styler } from "./output.js";

const HELP = `Usage: mimir-llm <command> [options]

Commands:
  chat [prompt]     chat with any provider (one-shot, piped, or interactive)
  models            list a provider's models
  providers         the provider presets
  pull <model>      download a model into Ollama (progress bar)
  rm <model>        delete a model from Ollama
  ps                models Ollama has loaded

Try it offline:  mimir-llm chat --provider mock "hello"
Local Ollama:    mimir-llm chat --model llama3.2 "Describe a tavern."
Groq:            GROQ_API_KEY=… mimir-llm chat --provider groq "Name three dragons."

mimir-llm <command> --help for a command's options. Exit codes: 0 ok, 1 provider or runtime error, 2 usage or config error.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  chat: chatCommand, models: modelsCommand, providers: providersCommand, pull: pullCommand, rm: rmCommand, ps: psCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP + "\n");
    return command ? 0 : 2;
  }
  if (command === "--version" || command === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    process.stdout.write(pkg.version + "\n");
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
  return run(rest);
}

const verbose = process.argv.includes("--verbose");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const s = styler(process.stderr);
    const usage = e instanceof UsageError || e instanceof ConfigError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(s.red(`mimir-llm: ${msg}`) + "\n");
    if (verbose) {
      if (e instanceof LlmError) {
        const { status, provider, code, type, requestId, body } = e;
        process.stderr.write(JSON.stringify({ name: e.name, status, provider, code, type, requestId, body }, null, 2) + "\n");
      }
      if (e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    } else if (!usage && !(e instanceof LlmError)) process.stderr.write("(run with --verbose for details)\n");
    process.exitCode = usage ? 2 : 1;
  },
);
