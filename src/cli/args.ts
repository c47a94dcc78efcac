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

/**
 * An argument that reads as an option rather than a value: `--x`, `-x`. Negative numbers (`-1`,
 * `-0.5`, `-.5`) and a lone `-` are values, so `--temperature -1` means what it says.
 */
const looksLikeOption = (a: string) => a.startsWith("--") || /^-[A-Za-z]/.test(a);

/**
 * `--flag value`, `--flag=value`, booleans, `-h`; `--` ends the options. Anything else starting
 * with `-` is a usage error: a typo like `-p mock` must not become prompt text or be ignored.
 */
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
    if (a === "-" || !a.startsWith("-")) {
      positionals.push(a);
      continue;
    }
    if (!a.startsWith("--")) throw unknownOption(a, spec, command);
    const eq = a.indexOf("=");
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (spec.values.includes(name)) {
      const v = eq !== -1 ? a.slice(eq + 1) : argv[i + 1];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      if (eq === -1) {
        if (looksLikeOption(v)) throw new UsageError(`--${name} needs a value, got the option ${v} (write --${name}=${v} if that is the value)`);
        i++;
      }
      flags[name] = v;
    } else {
      throw unknownOption(a.slice(0, eq === -1 ? undefined : eq), spec, command);
    }
  }
  return { flags, positionals };
}

function unknownOption(flag: string, spec: FlagSpec, command: string): UsageError {
  const known = [...spec.values, ...spec.booleans];
  const hint = guesses(flag, known);
  return new UsageError(`unknown option ${flag} for "${command}"${hint.length ? `: did you mean ${hint.map((g) => `--${g}`).join(" or ")}?` : ""} (see mimir-llm ${command} --help; put -- before a prompt that starts with "-")`);
}

/** The flags a mistyped one may have meant: `-p` → those starting with p; `--temp` → --temperature; `--modle` → --model. */
function guesses(flag: string, known: string[]): string[] {
  if (!flag.startsWith("--")) return flag.length === 2 ? known.filter((k) => k[0] === flag[1]) : [];
  const typed = flag.slice(2);
  const prefixed = typed.length >= 3 ? known.filter((k) => k.startsWith(typed)) : [];
  if (prefixed.length) return prefixed;
  // Short names are close to many others: allow fewer edits for them.
  return known.filter((k) => editDistance(typed, k) <= (typed.length > 4 ? 2 : 1));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** A numeric flag, or a usage error saying what was wrong. */
export function numberFlag(flags: Parsed["flags"], name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** A string flag's value, if it was given. */
export function stringFlag(flags: Parsed["flags"], name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}
