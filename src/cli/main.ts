#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { ConfigError, LlmError } from "../errors.js";
import { UsageError } from "./args.js";
import { CHAT_HELP, chatCommand } from "./commands/chat.js";
import { MODELS_HELP, modelsCommand } from "./commands/models.js";
import { PS_HELP, PULL_HELP, RM_HELP, psCommand, pullCommand, rmCommand } from "./commands/ollama.js";
import { PROVIDERS_HELP, providersCommand } from "./commands/providers.js";
import { handleInterrupts } from "./interrupt.js";
import { endOpenLines, err, out, styler } from "./output.js";
import { errorDetails } from "./report.js";

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
Summarise:       cat notes.txt | mimir-llm chat "Summarise this."

mimir-llm <command> --help (or mimir-llm help <command>) for a command's options.
mimir-llm --version prints the version. MIMIR_LLM_LOG=debug logs every request on stderr.
Exit codes: 0 ok, 1 provider or runtime error, 2 usage or config error, 130 stopped by Ctrl-C.`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  chat: { run: chatCommand, help: CHAT_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  providers: { run: providersCommand, help: PROVIDERS_HELP },
  pull: { run: pullCommand, help: PULL_HELP },
  rm: { run: rmCommand, help: RM_HELP },
  ps: { run: psCommand, help: PS_HELP },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    // Called with nothing: a usage mistake, so the help goes to stderr and stdout stays empty.
    err.write(HELP + "\n");
    return 2;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    if (command === "help" && rest.length) {
      const c = COMMANDS[rest[0]!];
      if (!c) throw new UsageError(`no command "${rest[0]}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
      out.write(c.help + "\n");
    } else out.write(HELP + "\n");
    return 0;
  }
  if (command === "--version" || command === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    out.write(pkg.version + "\n");
    return 0;
  }
  const c = COMMANDS[command];
  if (!c) {
    if (command.startsWith("-")) throw new UsageError(`unknown option ${command}: options go after the command (mimir-llm <command> [options]; see mimir-llm --help)`);
    throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
  }
  return c.run(rest);
}

// A reader that went away (`mimir-llm models | head -1`) is not an error of ours: stop quietly
// instead of dying on EPIPE with a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
handleInterrupts();

const args = process.argv.slice(2);
// --verbose counts only among the options, not in a prompt after `--`.
const verbose = (args.includes("--") ? args.slice(0, args.indexOf("--")) : args).includes("--verbose");
main(args).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const s = styler(process.stderr);
    const usage = e instanceof UsageError || e instanceof ConfigError;
    const msg = e instanceof Error ? e.message : String(e);
    // The error line must not be glued to a reply or a progress bar cut midway.
    endOpenLines();
    err.line(`mimir-llm: ${msg}`, s.red);
    if (verbose) {
      if (e instanceof LlmError && !usage) err.write(JSON.stringify(errorDetails(e), null, 2) + "\n");
      // The library's own errors are explained by their fields; a stack helps only for a bug.
      else if (e instanceof Error && !usage && e.stack) err.write(e.stack + "\n");
    } else if (!usage && !(e instanceof LlmError)) err.write("(run with --verbose for details)\n");
    process.exitCode = usage ? 2 : 1;
  },
);
