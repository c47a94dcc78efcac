import type { Logger, LogLevel } from "./options.js";
import { readEnv } from "./env.js";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A logger that drops what is below its level; `enabled(level)` lets callers skip building a message. */
export interface Log {
  enabled(level: Exclude<LogLevel, "silent">): boolean;
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const isLevel = (v: unknown): v is LogLevel => typeof v === "string" && v in RANK;

/**
 * The client's log: `level` from the option, else the `MIMIR_LLM_LOG` environment variable, else silent.
 * Library code never writes to the console unless asked to.
 */
export function createLog(level: LogLevel | undefined, logger: Logger | undefined): Log {
  let lvl: LogLevel = "silent";
  if (level !== undefined) lvl = level;
  else {
    const fromEnv = readEnv("MIMIR_LLM_LOG")?.toLowerCase();
    if (isLevel(fromEnv)) lvl = fromEnv;
  }
  const min = RANK[lvl];
  const out: Logger = logger ?? console;
  const at = (l: Exclude<LogLevel, "silent">) => (message: string, data?: Record<string, unknown>) => {
    if (RANK[l] < min) return;
    const line = `mimir-llm [${l}] ${message}`;
    if (data === undefined) out[l](line);
    else out[l](line, data);
  };
  return { enabled: (l) => RANK[l] >= min, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export { isLevel as isLogLevel };
