import { AbortError, ConnectionError, LlmError, TimeoutError } from "../errors.js";

/**
 * One attempt's cancellation: its own AbortController, fired by the caller's signal, the total
 * timeout, or (for streams) the idle watchdog; and a record of which one fired, so the error says so.
 */
export class Attempt {
  readonly controller = new AbortController();
  why: "abort" | "timeout" | "idle" | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private idleMs = 0;
  /** Last time bytes arrived; the idle watchdog compares against it instead of re-arming a timer per chunk. */
  private lastActivity = 0;
  private readonly onAbort = () => this.fire("abort");

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    private readonly provider: string,
    /** What to tell the user when the server cannot be reached (the preset's `connectionHint`). */
    private readonly unreachableHint?: string,
  ) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
    this.timer = setTimeout(() => this.fire("timeout"), timeoutMs);
  }

  /** Start the idle watchdog: fails the stream after `ms` without bytes (S6). */
  watchIdle(ms: number): void {
    this.idleMs = ms;
    this.lastActivity = Date.now();
    const check = () => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= this.idleMs) this.fire("idle");
      else this.idleTimer = setTimeout(check, this.idleMs - quiet);
    };
    this.idleTimer = setTimeout(check, ms);
  }

  /** Bytes arrived. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** The caller asked to stop (`stream.abort()`). */
  abort(): void {
    this.fire("abort");
  }

  private fire(why: "abort" | "timeout" | "idle"): void {
    if (this.why) return;
    this.why = why;
    this.controller.abort(why === "abort" ? (this.signal?.reason ?? new Error("aborted")) : new Error(why));
    this.cleanup();
  }

  /** Stop the timers and detach from the caller's signal. */
  cleanup(): void {
    clearTimeout(this.timer);
    clearTimeout(this.idleTimer);
    this.signal?.removeEventListener("abort", this.onAbort);
  }

  /** The typed error for a failure of this attempt: what fired, else a connection error. */
  error(cause: unknown, what: string): LlmError {
    if (cause instanceof LlmError) return cause;
    const opts = { provider: this.provider, cause };
    if (this.why === "abort" || (this.why === undefined && this.signal?.aborted)) return new AbortError(`${this.provider}: ${what} was aborted`, opts);
    if (this.why === "timeout") {
      const e = new TimeoutError(`${this.provider}: ${what} timed out after ${this.timeoutMs} ms (timeout)`, opts);
      e.kind = "total";
      return e;
    }
    if (this.why === "idle") {
      const e = new TimeoutError(`${this.provider}: the stream was silent for ${this.idleMs} ms (idleTimeout); the connection was closed`, opts);
      e.kind = "idle";
      return e;
    }
    return new ConnectionError(`${this.provider}: ${what} failed: ${describe(cause, this.unreachableHint)}`, opts);
  }
}

function describe(e: unknown, unreachableHint: string | undefined): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code === "ECONNREFUSED") return `connection refused (ECONNREFUSED) — ${unreachableHint ?? "is the server running at that address?"}`;
  if (code === "ENOTFOUND") return "host not found (ENOTFOUND) — check baseURL";
  if (code) return `${cause?.message ?? "network error"} (${code})`;
  const msg = (e as Error)?.message ?? String(e);
  return cause?.message && cause.message !== msg ? `${msg}: ${cause.message}` : msg;
}
