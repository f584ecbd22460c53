/**
 * A client-side limit on requests per window (Twenty's default is 100 a minute, HOST-CONTRACT
 * §B), as a sliding window of the start times of recent requests: a request waits until the
 * oldest one in the window has left it.
 */
import type { HostRuntime } from './runtime.js';

export interface RateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 100, windowMs: 60_000 };

export class RateLimiter {
  private readonly started: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly runtime: HostRuntime,
  ) {
    if (!(limit.requests >= 1) || !(limit.windowMs > 0)) {
      throw new RangeError(
        `rate limit needs requests >= 1 and windowMs > 0, got ${JSON.stringify(limit)}`,
      );
    }
  }

  /** Resolves when one more request may start; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn;
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.runtime.now();
      while (this.started.length > 0 && (this.started[0] as number) <= now - this.limit.windowMs)
        this.started.shift();
      if (this.started.length < this.limit.requests) {
        this.started.push(now);
        return;
      }
      await this.runtime.sleep((this.started[0] as number) + this.limit.windowMs - now);
    }
  }
}
