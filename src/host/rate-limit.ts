/**
 * A client-side limit on requests, as sliding windows of the start times of recent requests: a
 * request waits until, in every window, fewer than its limit started. Twenty 2.43 throttles
 * each workspace's API keys with two token buckets, 100 a second and 100 a minute by default
 * (API_RATE_LIMITING_*; src/sandbox/rate-limit.ts); a sliding window of N per W never sends more
 * than a bucket of N refilled over W admits, so the default here is Twenty's minute. A host set
 * up tighter says so in its refusals, and `learn` adopts what it says.
 */
import type { HostRuntime } from './runtime.js';

export interface RateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 100, windowMs: 60_000 };

function checked(limit: RateLimit): RateLimit {
  if (
    !Number.isInteger(limit.requests) ||
    limit.requests < 1 ||
    !Number.isFinite(limit.windowMs) ||
    !(limit.windowMs > 0)
  ) {
    throw new RangeError(
      `rate limit needs whole requests >= 1 and windowMs > 0, got ${JSON.stringify(limit)}`,
    );
  }
  return limit;
}

/** Whether `a` allows no more than `b` does in any stretch of time: a's window holds b's. */
function atLeastAsStrict(a: RateLimit, b: RateLimit): boolean {
  return a.windowMs >= b.windowMs && a.requests <= b.requests;
}

/** `100/min`, `5/s`, `1000/10min`: the form `--rate` takes, for messages. */
export function describeRate(limit: RateLimit): string {
  const units: [number, string][] = [
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [ms, unit] of units) {
    if (limit.windowMs % ms === 0) {
      const count = limit.windowMs / ms;
      return `${limit.requests}/${count === 1 ? '' : count}${unit}`;
    }
  }
  return `${limit.requests}/${limit.windowMs}ms`;
}

/** The index of the first of the ascending `times` later than `moment`. */
function firstAfter(times: readonly number[], moment: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) > moment) high = middle;
    else low = middle + 1;
  }
  return low;
}

export class RateLimiter {
  private windows: RateLimit[];
  private readonly started: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limit: RateLimit,
    private readonly runtime: HostRuntime,
  ) {
    this.windows = [checked(limit)];
  }

  /** The limits kept, the configured one first. */
  get limits(): readonly RateLimit[] {
    return this.windows;
  }

  /**
   * Adopts a limit the host announced, unless a kept one is already as strict; a looser kept
   * limit of the same window gives way. True when the pace changed.
   */
  learn(limit: RateLimit): boolean {
    checked(limit);
    if (this.windows.some((kept) => atLeastAsStrict(kept, limit))) return false;
    this.windows = [...this.windows.filter((kept) => !atLeastAsStrict(limit, kept)), limit];
    return true;
  }

  /** Resolves when one more request may start; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn;
    return turn;
  }

  /**
   * Gives back the latest start: the host refused that request before it spent anything of its
   * limit's long bucket, and counting it would slow us below the host's pace.
   */
  refund(): void {
    this.started.pop();
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.runtime.now();
      const longest = Math.max(...this.windows.map((w) => w.windowMs));
      while (this.started.length > 0 && (this.started[0] as number) <= now - longest)
        this.started.shift();
      let wait = 0;
      for (const window of this.windows) {
        const inWindow = this.started.length - firstAfter(this.started, now - window.windowMs);
        if (inWindow >= window.requests) {
          // The start that must leave the window for one more to fit.
          const leaving = this.started[this.started.length - window.requests] as number;
          wait = Math.max(wait, leaving + window.windowMs - now);
        }
      }
      if (wait <= 0) {
        this.started.push(now);
        return;
      }
      await this.runtime.sleep(wait);
    }
  }
}
