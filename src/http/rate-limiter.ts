import { rateLimitReset } from "./retry.js";
import { sleep } from "./sleep.js";

/** Client-side rate limits. The limiter never fails a request, it only delays it. */
export interface RateLimitOptions {
  /** At most this many requests started per rolling minute. */
  requestsPerMinute?: number;
  /** At most this many (estimated) tokens per minute: prompt characters / 4 plus the output limit. */
  tokensPerMinute?: number;
  /** Pause when the server's `x-ratelimit-remaining-*` reaches 0, until its `x-ratelimit-reset-*` [true]. */
  respectServerHeaders?: boolean;
}

/** A server-announced pause longer than this is not waited out by the gate (the 429 path reports it instead). */
const MAX_GATE_PAUSE_MS = 60_000;

class Bucket {
  private level: number;
  private last = Date.now();
  constructor(private readonly perMinute: number) {
    this.level = perMinute;
  }
  /** Ms until `cost` is available (cost is capped at the capacity, so a large request waits, never forever). */
  wait(cost: number): number {
    this.refill();
    const c = Math.min(cost, this.perMinute);
    return this.level >= c ? 0 : ((c - this.level) / this.perMinute) * 60_000;
  }
  take(cost: number): void {
    this.refill();
    this.level -= Math.min(cost, this.perMinute);
  }
  private refill(): void {
    const now = Date.now();
    this.level = Math.min(this.perMinute, this.level + ((now - this.last) / 60_000) * this.perMinute);
    this.last = now;
  }
}

/**
 * Token buckets for requests and tokens per minute (Mimir's limiter: "never fails, only delays"),
 * plus a gate closed by the server's own rate-limit headers. One per client, shared by its requests.
 */
export class RateLimiter {
  private readonly requests: Bucket | undefined;
  private readonly tokens: Bucket | undefined;
  private pausedUntil = 0;
  private readonly headers: boolean;

  constructor(options: RateLimitOptions = {}) {
    if (options.requestsPerMinute) this.requests = new Bucket(options.requestsPerMinute);
    if (options.tokensPerMinute) this.tokens = new Bucket(options.tokensPerMinute);
    this.headers = options.respectServerHeaders ?? true;
  }

  /** Whether `acquire` uses its token count (so callers estimate it only when it matters). */
  get countsTokens(): boolean {
    return this.tokens !== undefined;
  }

  /** Take the budget for a request now if it is there (no await on the common, unthrottled path). */
  tryAcquire(tokens: number): boolean {
    if (this.pausedUntil > Date.now() || (this.requests?.wait(1) ?? 0) > 0 || (this.tokens?.wait(tokens) ?? 0) > 0) return false;
    this.requests?.take(1);
    this.tokens?.take(tokens);
    return true;
  }

  /** Resolve when a request costing `tokens` may start; abortable. */
  async acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = Math.max(this.pausedUntil - Date.now(), this.requests?.wait(1) ?? 0, this.tokens?.wait(tokens) ?? 0);
      if (wait <= 0) break;
      await sleep(wait, signal);
    }
    this.requests?.take(1);
    this.tokens?.take(tokens);
  }

  /** Read `x-ratelimit-remaining-*`; when a window is exhausted, hold new requests until its reset. */
  observe(headers: Headers): void {
    if (!this.headers) return;
    const reset = rateLimitReset(headers, true);
    if (reset !== undefined) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(reset, MAX_GATE_PAUSE_MS));
  }
}
