/**
 * Counts the rows each member reads through the gateway, over a sliding window, and says when a
 * member has read enough that the next read needs a step-up (POLICY.md `security.export.
 * maxRowsWithoutStepUp`, and the `bulk-export` monitoring rule's PT1H window). Pure and in
 * memory: time is always passed in, nothing is read from a clock, nothing is stored elsewhere.
 *
 * **The window.** Each member's rows go into `buckets` buckets of `windowMs / buckets` each (60 of
 * a minute for an hour), plus the one being filled, so a member costs a fixed amount of memory
 * however much they read. Bucketing rounds in the safe direction: a row counts for *at least*
 * `windowMs` after it was read, and for at most one bucket longer. It is never forgotten early.
 *
 * **The limit.** `check` refuses once the rows in the window have *reached* the limit: with a limit
 * of 1000, a member may read 1000 rows and the read after them is refused. A read is checked
 * before it happens, so one read that starts under the limit may return more rows than remain;
 * the gateway caps page sizes with `remaining()` if that matters.
 *
 * **Elevation.** After a step-up, `elevate` lets the member read for `elevationMs` (10 minutes by
 * default), on `[now, now + elevationMs)`: at exactly 10 minutes the elevation is over. Rows read
 * while elevated are still counted, so when it ends a member who read a lot is refused again.
 *
 * **Bounded memory and eviction.** At most `maxMembers` members are tracked. To admit another one,
 * the least recently used member is evicted, chosen in this order:
 *  1. a member with no rows in the window and not elevated: nothing is lost;
 *  2. a member under the limit and not elevated: their partial count is lost, so they may read up
 *     to `limit` rows more in this window than they should (a bounded leak, and only under memory
 *     pressure);
 *  3. a member under the limit and elevated: the elevation is lost as well, which fails closed
 *     (they step up again).
 * A member who has reached the limit is **never** evicted, elevated or not: evicting them would
 * turn their refusal into an allowance. If every tracked member has reached the limit, the meter
 * is saturated and a member it cannot admit is refused (fail closed, ASVS 4.0.3 4.1.5), with the
 * retry time of the earliest tracked member whose rows age out, until rows age out and members
 * become evictable again; `stats().saturatedRefusals` counts these refusals so they can alert.
 * `record` for a member it cannot admit drops the rows (reachable only when `check` has just
 * refused that member, or another member took the last place in between), and `elevate` returns
 * `undefined`.
 * Finding a victim scans the members in least-recently-used order, stopping at the first of kind
 * 1, so it costs at most `maxMembers` steps, and only when the table is full.
 */

export const DEFAULT_ELEVATION_MS = 600_000;
export const DEFAULT_MAX_MEMBERS = 10_000;
export const DEFAULT_BUCKETS = 60;

export interface ExportMeterOptions {
  /** Rows a member may read in the window without stepping up (POLICY.md: 1000). */
  maxRowsWithoutStepUp: number;
  /** The sliding window, ms (the `bulk-export` rule's PT1H is 3 600 000). */
  windowMs: number;
  /** How long a step-up lasts, ms; 10 minutes by default. */
  elevationMs?: number;
  /** How many members are tracked at most; 10 000 by default. */
  maxMembers?: number;
  /** How many buckets divide the window; 60 by default. */
  buckets?: number;
}

export type ExportCheck =
  | { allowed: true }
  | {
      allowed: false;
      code: 'STEP_UP_REQUIRED';
      rowsInWindow: number;
      limit: number;
      /** When enough rows will have aged out of the window for a read without step-up. */
      retryAfterMs?: number;
    };

export interface ExportMeterStats {
  /** Members tracked now. */
  members: number;
  /** Members evicted to admit others, since the meter was made. */
  evictions: number;
  /** Reads refused because the meter was full of members at the limit. */
  saturatedRefusals: number;
}

interface MemberState {
  /** Rows per bucket; allocated on the first rows recorded. */
  counts: Float64Array | undefined;
  /** The absolute bucket number each slot of `counts` holds. */
  bucketOf: Float64Array | undefined;
  /** End of the elevation, ms; 0 when never elevated. */
  elevatedUntil: number;
  /** The latest time seen for this member, so a clock that steps back cannot un-count rows. */
  latest: number;
}

/** How an eviction candidate ranks: lower is evicted first; `undefined` is never evicted. */
type EvictionRank = 1 | 2 | 3 | undefined;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive whole number`);
  }
  return value;
}

export class ExportMeter {
  readonly limit: number;
  readonly windowMs: number;
  readonly elevationMs: number;
  readonly maxMembers: number;
  readonly buckets: number;
  private readonly bucketMs: number;
  /** Slots per member: the window's buckets plus the one being filled. */
  private readonly slots: number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly members = new Map<string, MemberState>();
  private evictions = 0;
  private saturatedRefusals = 0;

  constructor(options: ExportMeterOptions) {
    this.limit = positiveInteger(options.maxRowsWithoutStepUp, 'maxRowsWithoutStepUp');
    this.windowMs = positiveInteger(options.windowMs, 'windowMs');
    this.elevationMs = positiveInteger(options.elevationMs ?? DEFAULT_ELEVATION_MS, 'elevationMs');
    this.maxMembers = positiveInteger(options.maxMembers ?? DEFAULT_MAX_MEMBERS, 'maxMembers');
    this.buckets = positiveInteger(options.buckets ?? DEFAULT_BUCKETS, 'buckets');
    if (this.windowMs % this.buckets !== 0) {
      throw new RangeError('windowMs must be a whole multiple of buckets');
    }
    this.bucketMs = this.windowMs / this.buckets;
    this.slots = this.buckets + 1;
  }

  /**
   * Whether the member may read now. Refused with `STEP_UP_REQUIRED` once the rows in the window
   * have reached the limit and the member is not elevated. Admits a member not yet tracked, so
   * the `record` that follows has a place to count in.
   */
  check(memberId: string, now: number): ExportCheck {
    const state = this.admit(memberId, now);
    if (state === undefined) {
      this.saturatedRefusals++;
      const refusal: ExportCheck = {
        allowed: false,
        code: 'STEP_UP_REQUIRED',
        rowsInWindow: 0,
        limit: this.limit,
      };
      const retry = this.earliestRelief(now);
      if (retry !== undefined) refusal.retryAfterMs = retry;
      return refusal;
    }
    const t = this.advance(state, now);
    if (t < state.elevatedUntil) return { allowed: true };
    const rowsInWindow = this.sum(state, t);
    if (rowsInWindow < this.limit) return { allowed: true };
    return {
      allowed: false,
      code: 'STEP_UP_REQUIRED',
      rowsInWindow,
      limit: this.limit,
      retryAfterMs: this.retryAfter(state, t),
    };
  }

  /** Adds `rows` read by the member at `now` (also while elevated). */
  record(memberId: string, rows: number, now: number): void {
    if (!Number.isSafeInteger(rows) || rows < 0) {
      throw new RangeError('rows must be a non-negative whole number');
    }
    const state = this.admit(memberId, now);
    if (state === undefined || rows === 0) return;
    const t = this.advance(state, now);
    const bucket = this.bucketAt(t);
    const slot = bucket % this.slots;
    state.counts ??= new Float64Array(this.slots);
    state.bucketOf ??= new Float64Array(this.slots).fill(-1);
    if (state.bucketOf[slot] !== bucket) {
      state.bucketOf[slot] = bucket;
      state.counts[slot] = 0;
    }
    state.counts[slot] = (state.counts[slot] ?? 0) + rows;
  }

  /**
   * Marks the member elevated until `now + elevationMs` (never shortening a longer elevation) and
   * returns that instant. Returns `undefined` when the meter is saturated and cannot track the
   * member: the elevation was not recorded.
   */
  elevate(memberId: string, now: number): number | undefined {
    const state = this.admit(memberId, now);
    if (state === undefined) return undefined;
    const t = this.advance(state, now);
    state.elevatedUntil = Math.max(state.elevatedUntil, t + this.elevationMs);
    return state.elevatedUntil;
  }

  /** The end of the member's elevation (ms) if they are elevated at `now`, else `undefined`. */
  elevatedUntil(memberId: string, now: number): number | undefined {
    const state = this.members.get(memberId);
    if (state === undefined) return undefined;
    return Math.max(now, state.latest) < state.elevatedUntil ? state.elevatedUntil : undefined;
  }

  /** The rows the member has read in the window ending at `now`. */
  rowsInWindow(memberId: string, now: number): number {
    const state = this.members.get(memberId);
    return state === undefined ? 0 : this.sum(state, Math.max(now, state.latest));
  }

  /**
   * Rows the member may still read before a step-up is required: `Infinity` while elevated, else
   * the limit less the rows in the window, never below 0.
   */
  remaining(memberId: string, now: number): number {
    const state = this.members.get(memberId);
    if (state === undefined) return this.limit;
    const t = Math.max(now, state.latest);
    if (t < state.elevatedUntil) return Infinity;
    return Math.max(0, this.limit - this.sum(state, t));
  }

  stats(): ExportMeterStats {
    return {
      members: this.members.size,
      evictions: this.evictions,
      saturatedRefusals: this.saturatedRefusals,
    };
  }

  // -------------------------------------------------------------------------------------------

  private bucketAt(t: number): number {
    return Math.floor(t / this.bucketMs);
  }

  /** Moves the member's clock forward to `now` (never back) and returns the time to use. */
  private advance(state: MemberState, now: number): number {
    if (now > state.latest) state.latest = now;
    return state.latest;
  }

  /** Rows in buckets `current - buckets … current`, each at least `windowMs` old at most. */
  private sum(state: MemberState, t: number): number {
    if (state.counts === undefined || state.bucketOf === undefined) return 0;
    const current = this.bucketAt(t);
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      const bucket = state.bucketOf[i] ?? -1;
      if (bucket >= 0 && current - bucket <= this.buckets) total += state.counts[i] ?? 0;
    }
    return total;
  }

  /** The ms until enough of the oldest buckets age out that the rows fall under the limit. */
  private retryAfter(state: MemberState, t: number): number {
    const counts = state.counts;
    const bucketOf = state.bucketOf;
    if (counts === undefined || bucketOf === undefined) return 0;
    const current = this.bucketAt(t);
    const live: { bucket: number; rows: number }[] = [];
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      const bucket = bucketOf[i] ?? -1;
      if (bucket >= 0 && current - bucket <= this.buckets) {
        const rows = counts[i] ?? 0;
        live.push({ bucket, rows });
        total += rows;
      }
    }
    live.sort((a, b) => a.bucket - b.bucket);
    for (const { bucket, rows } of live) {
      total -= rows;
      // A bucket stops counting when the current bucket is `buckets + 1` past it.
      if (total < this.limit) return (bucket + this.slots) * this.bucketMs - t;
    }
    return 0;
  }

  /** The ms until some tracked member at the limit becomes evictable, for saturated refusals. */
  private earliestRelief(now: number): number | undefined {
    let earliest: number | undefined;
    for (const state of this.members.values()) {
      const t = Math.max(now, state.latest);
      const retry = this.retryAfter(state, t) + (t - now);
      if (earliest === undefined || retry < earliest) earliest = retry;
    }
    return earliest;
  }

  private rank(state: MemberState, now: number): EvictionRank {
    const t = Math.max(now, state.latest);
    const rows = this.sum(state, t);
    if (rows >= this.limit) return undefined;
    const elevated = t < state.elevatedUntil;
    if (elevated) return 3;
    return rows === 0 ? 1 : 2;
  }

  /** The member's state, marked most recently used; admitted (evicting if full) when new. */
  private admit(memberId: string, now: number): MemberState | undefined {
    if (!Number.isFinite(now) || now < 0) {
      throw new RangeError('now must be a non-negative finite number of ms since the epoch');
    }
    const existing = this.members.get(memberId);
    if (existing !== undefined) {
      this.members.delete(memberId);
      this.members.set(memberId, existing);
      return existing;
    }
    if (this.members.size >= this.maxMembers && !this.evictOne(now)) return undefined;
    const state: MemberState = {
      counts: undefined,
      bucketOf: undefined,
      elevatedUntil: 0,
      latest: now,
    };
    this.members.set(memberId, state);
    return state;
  }

  private evictOne(now: number): boolean {
    let victim: string | undefined;
    let victimRank: EvictionRank;
    for (const [id, state] of this.members) {
      const rank = this.rank(state, now);
      if (rank === undefined) continue;
      if (victimRank === undefined || rank < victimRank) {
        victim = id;
        victimRank = rank;
        if (rank === 1) break;
      }
    }
    if (victim === undefined) return false;
    this.members.delete(victim);
    this.evictions++;
    return true;
  }
}
