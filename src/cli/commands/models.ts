import { parseArgs } from "../args.js";
import { clientFromFlags } from "../target.js";
import { TARGET_FLAGS, TARGET_HELP } from "./shared.js";

export const MODELS_HELP = `Usage: mimir-llm models [options]

Lists the models a provider serves (its /v1/models, normalised).

Options:
${TARGET_HELP}
  --json                print the list as JSON
  --verbose             error details
  -h, --help            this help`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { values: TARGET_FLAGS, booleans: ["json", "verbose", "help"] }, "models");
  if (flags.help) {
    process.stdout.write(MODELS_HELP + "\n");
    return 0;
  }
  if (positionals.length) throw new (await import("../args.js")).UsageError(`models takes no arguments, got "${positionals[0]}"`);
  const models = await clientFromFlags(flags).models.list();
  if (flags.json) process.stdout.write(JSON.stringify(models, null, 2) + "\n");
  else for (const m of models) process.stdout.write(m.id + "\n");
  return 0;
}
