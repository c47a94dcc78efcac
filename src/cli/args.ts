/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagSpec {
  /** Flags taking a value. */
  values: readonly string[];
  /** Boolean flags (`--x`; `--no-x` for the ones listed as `no-x`). */
  booleans: readonly string[];
}

export interface Parsed {
  flags: Record<string, string | boolean>;
  positionals: string[];
}

/** `--flag value`, `--flag=value`, booleans, `--` ends flags. Unknown flags are usage errors. */
export function parseArgs(argv: readonly string[], spec: FlagSpec, command: string): Parsed {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-h") {
      flags.help = true;
      continue;
    }
    if (!a.startsWith("--") || a === "-") {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (spec.values.includes(name)) {
      const v = eq !== -1 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq === -1 && v.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      flags[name] = v;
    } else {
      throw new UsageError(`unknown option --${name} for "${command}" (see mimir-llm ${command} --help)`);
    }
  }
  return { flags, positionals };
}

/** A numeric flag, or a usage error saying what was wrong. */
export function numberFlag(flags: Parsed["flags"], name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}
