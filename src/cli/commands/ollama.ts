import { createOllama, type PullProgress } from "../../ollama/manager.js";
import { parseArgs, UsageError } from "../args.js";
import { bar, err, formatBytes, out, styler, table } from "../output.js";
import { reportRetry, stderrLogger } from "../report.js";
import { ollamaRoot } from "../target.js";

// `--provider` is accepted only to say, for anything but ollama, that these commands are Ollama's.
const FLAGS = { values: ["base-url", "profile", "config", "provider"], booleans: ["verbose", "help"] } as const;
const PS_FLAGS = { values: FLAGS.values, booleans: [...FLAGS.booleans, "json"] } as const;
const COMMON = `  --base-url URL        Ollama's address (default: $OLLAMA_HOST or http://127.0.0.1:11434)
  --profile NAME        take the address from a config-file profile
  --config PATH         the config file (its \`default:\` profile when no --profile is given)
  --verbose             error details
  -h, --help            this help`;

export const PULL_HELP = `Usage: mimir-llm pull <model>

Downloads a model into the local Ollama, with a progress bar on a terminal.

Options:
${COMMON}`;
export const RM_HELP = `Usage: mimir-llm rm <model>

Deletes a model from the local Ollama.

Options:
${COMMON}`;
export const PS_HELP = `Usage: mimir-llm ps [--json]

Lists the models Ollama has loaded in memory.

Options:
  --json                print them as JSON
${COMMON}`;

function manager(flags: Record<string, string | boolean>) {
  // As for chat: retries shown on stderr, the library's log there too (debug with --verbose), never on stdout.
  return createOllama({ baseURL: ollamaRoot(flags), onRetry: reportRetry, logger: stderrLogger, logLevel: flags.verbose === true ? "debug" : undefined });
}

function oneModel(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one model name (mimir-llm ${command} <model>)`);
  return positionals[0]!;
}

export async function pullCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, "pull");
  if (flags.help) return out.write(PULL_HELP + "\n"), 0;
  const name = oneModel(positionals, "pull");
  // The tracked stderr: an error or Ctrl-C during the bar starts on a line of its own.
  const s = styler(process.stderr);
  let lastStatus = "";
  let lastLine = 0;
  // Speed: bytes over a sliding window of recent samples.
  const samples: [number, number][] = [];
  const render = (p: PullProgress) => {
    const now = Date.now();
    samples.push([now, p.completedBytes]);
    while (samples.length > 2 && now - samples[0]![0] > 3000) samples.shift();
    const [t0, b0] = samples[0]!;
    const speed = now > t0 ? ((p.completedBytes - b0) * 1000) / (now - t0) : 0;
    if (s.tty) {
      if (p.totalBytes > 0 && p.status.startsWith("pulling ")) {
        if (now - lastLine < 80 && p.completedBytes < p.totalBytes) return;
        lastLine = now;
        const pct = Math.floor((p.completedBytes / p.totalBytes) * 100);
        err.write(`\r\x1b[2K${p.status} ${String(pct).padStart(3)}% ${bar(p.completedBytes / p.totalBytes)} ${formatBytes(p.completedBytes)}/${formatBytes(p.totalBytes)} ${s.dim(`${formatBytes(speed)}/s`)}`);
      } else if (p.status !== lastStatus) {
        err.write(`${lastStatus.startsWith("pulling ") ? "\n" : "\r\x1b[2K"}${p.status}\n`);
      }
    } else if (p.status !== lastStatus) {
      // Not a terminal: one plain line per stage.
      err.write(p.total ? `${p.status} (${formatBytes(p.total)})\n` : `${p.status}\n`);
    }
    lastStatus = p.status;
  };
  await manager(flags).pullModel(name, { onProgress: render });
  err.endLine();
  out.write(`pulled ${name}\n`);
  return 0;
}

export async function rmCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, "rm");
  if (flags.help) return out.write(RM_HELP + "\n"), 0;
  const name = oneModel(positionals, "rm");
  await manager(flags).deleteModel(name);
  out.write(`deleted ${name}\n`);
  return 0;
}

export async function psCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, PS_FLAGS, "ps");
  if (flags.help) return out.write(PS_HELP + "\n"), 0;
  if (positionals.length) throw new UsageError("ps takes no arguments");
  const running = await manager(flags).runningModels();
  if (flags.json) return out.write(JSON.stringify(running, null, 2) + "\n"), 0;
  if (!running.length) return out.write("no model loaded\n"), 0;
  const rows = [["NAME", "SIZE", "VRAM", "UNTIL"]];
  for (const m of running) rows.push([m.name, formatBytes(m.size ?? 0), formatBytes(m.size_vram ?? 0), m.expires_at ?? ""]);
  out.write(table(rows) + "\n");
  return 0;
}
