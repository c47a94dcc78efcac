import { parseArgs, UsageError } from "../args.js";
import { out } from "../output.js";
import { clientFromFlags } from "../target.js";
import { TARGET_FLAGS, TARGET_HELP } from "./shared.js";

export const MODELS_HELP = `Usage: mimir-llm models [options]

Lists the models a provider serves (its /v1/models, normalised).

Options:
${TARGET_HELP}
  --json                print the list as JSON
  --verbose             the library's debug log, and error details, on stderr
  -h, --help            this help`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { values: TARGET_FLAGS, booleans: ["json", "verbose", "help"] }, "models");
  if (flags.help) {
    out.write(MODELS_HELP + "\n");
    return 0;
  }
  if (positionals.length) throw new UsageError(`models takes no arguments, got "${positionals[0]}"`);
  const models = await clientFromFlags(flags).models.list();
  if (flags.json) out.write(JSON.stringify(models, null, 2) + "\n");
  else for (const m of models) out.write(m.id + "\n");
  return 0;
}
