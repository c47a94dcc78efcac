import { ConfigError } from "../errors.js";
import type { LlmWarning } from "../types.js";
import type { RequestOptions, RetryInfo } from "./options.js";
import { checkFunction, checkHeaders, checkNumber, type ResolvedConfig } from "./resolve-config.js";

/** One call's settings: the request's options over the client's, validated once, read by every attempt. */
export interface CallContext {
  signal: AbortSignal | undefined;
  timeout: number;
  idleTimeout: number;
  maxRetries: number;
  /** Headers of this request only (the client's are added by the transport). */
  headers: Record<string, string> | undefined;
  onRetry: ((info: RetryInfo) => void) | undefined;
  /** What was changed on the caller's behalf during this call. */
  warnings: LlmWarning[];
  warn(warning: LlmWarning): void;
}

const isSignal = (s: unknown): s is AbortSignal =>
  typeof s === "object" && s !== null && typeof (s as AbortSignal).aborted === "boolean" && typeof (s as AbortSignal).addEventListener === "function";

/**
 * Resolve a request's options against the client's, once per call. Every mistake is a `ConfigError`
 * naming the option, as for `createClient`.
 */
export function resolveCall(cfg: ResolvedConfig, options: RequestOptions | undefined): CallContext {
  if (options !== undefined && (typeof options !== "object" || options === null)) throw new ConfigError("request options must be an object, e.g. { signal, timeout }");
  const o = options ?? {};
  if (o.signal !== undefined && !isSignal(o.signal)) throw new ConfigError("signal must be an AbortSignal");
  const onWarning = checkFunction<(w: LlmWarning) => void>(o.onWarning, "onWarning") ?? cfg.onWarning;
  const warnings: LlmWarning[] = [];
  return {
    signal: o.signal,
    timeout: checkNumber(o.timeout, "timeout", cfg.timeout, 1),
    idleTimeout: checkNumber(o.idleTimeout, "idleTimeout", cfg.idleTimeout, 1),
    maxRetries: Math.floor(checkNumber(o.maxRetries, "maxRetries", cfg.maxRetries, 0)),
    headers: o.headers === undefined ? undefined : checkHeaders(o.headers, "headers"),
    onRetry: checkFunction<(info: RetryInfo) => void>(o.onRetry, "onRetry") ?? cfg.onRetry,
    warnings,
    warn(w) {
      warnings.push(w);
      if (cfg.log.enabled("warn")) cfg.log.warn(w.message, { type: w.type, param: w.param });
      onWarning?.(w);
    },
  };
}
