import { presets } from "../../providers/index.js";
import type { ProviderPreset } from "../../providers/preset.js";
import { parseArgs, UsageError } from "../args.js";
import { out, table } from "../output.js";
import { mockPreset } from "../target.js";

export const PROVIDERS_HELP = `Usage: mimir-llm providers [--json]

The provider presets: id, base URL, key variable, default model.

Options:
  --json                print them as JSON
  -h, --help            this help`;

export async function providersCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { values: [], booleans: ["json", "help", "verbose"] }, "providers");
  if (flags.help) {
    out.write(PROVIDERS_HELP + "\n");
    return 0;
  }
  if (positionals.length) throw new UsageError(`providers takes no arguments, got "${positionals[0]}"`);
  const all: ProviderPreset[] = [...Object.values(presets), mockPreset];
  if (flags.json) {
    out.write(JSON.stringify(all.map(({ hooks: _h, ...p }) => p), null, 2) + "\n");
    return 0;
  }
  const rows = [["ID", "BASE URL", "API KEY", "DEFAULT MODEL"]];
  for (const p of all) rows.push([p.id, p.baseURL + (p.baseURLEnv ? ` ($${p.baseURLEnv})` : ""), p.apiKeyEnv ? `${p.apiKeyEnv}${p.keyRequired ? "" : " (optional)"}` : "none", p.defaultModel ?? "-"]);
  out.write(table(rows) + "\n");
  return 0;
}
