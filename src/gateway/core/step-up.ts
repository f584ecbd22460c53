/**
 * Step-up: a member proves a TOTP code and is elevated in the export meter for its elevation
 * time (10 minutes by default), so reads past `maxRowsWithoutStepUp` are allowed again.
 *
 * - **Secrets** come from a `TotpSecrets` store: the member's base32 secret, and the step of the
 *   last code accepted, so a code is never accepted twice (RFC 6238 §5.2). `InMemoryTotpSecrets`
 *   is one for tests and the demo.
 * - **Brute force**: at most `maxFailures` (5) wrong or replayed codes per member in any
 *   `failureWindowMs` (15 minutes), sliding. The next attempt, even with the right code, is
 *   refused with 429 until the oldest of those failures is 15 minutes old. A success does not
 *   reset the count, so the bound holds however attempts interleave with successes. With 6
 *   digits and a window of ±1 step, 5 guesses in 15 minutes succeed with odds of about 1.5e-5
 *   per 15 minutes (5 × 3 / 10^6).
 * - **Races**: verifications of one member run one after the other in this process, so two
 *   requests carrying the same code cannot both read the old `lastUsedStep` and both succeed.
 *   Several gateway processes sharing one store need the store's `markUsed` to be atomic too.
 * - **Failing closed**: an error from the store propagates (the caller answers 5xx) and elevates
 *   nobody; `markUsed` runs before the elevation, so a code is spent before it grants anything.
 * - **Messages** never contain the code or the secret.
 */
import { inspect } from 'node:util';
import type { ExportMeter } from './export-meter.js';
import { isUsableTotpSecret, verifyTotp, type TotpOptions } from './totp.js';

export const DEFAULT_MAX_FAILURES = 5;
export const DEFAULT_FAILURE_WINDOW_MS = 15 * 60_000;
export const DEFAULT_MAX_TRACKED_MEMBERS = 10_000;

export const NOT_ENROLLED_REASON =
  'no TOTP enrolled for this member; enrolment is in the admin panel';

/** Where members' TOTP secrets, and the last step each has used, are kept. */
export interface TotpSecrets {
  /** The member's base32 secret, or `undefined` when the member has not enrolled. */
  secretOf(memberId: string): Promise<string | undefined>;
  /** The step of the last code accepted for the member, `undefined` if none yet. */
  lastUsedStep(memberId: string): Promise<number | undefined>;
  /** Records that the code of `step` was accepted; a store never lowers the stored step. */
  markUsed(memberId: string, step: number): Promise<void>;
}

interface Enrolment {
  secret: string;
  lastUsedStep: number | undefined;
}

/**
 * Secrets in memory, for tests and the demo. `util.inspect` and `JSON.stringify` show the
 * enrolled member ids only, so a store that ends up in a log leaks no secret.
 */
export class InMemoryTotpSecrets implements TotpSecrets {
  private readonly enrolments = new Map<string, Enrolment>();

  constructor(secrets: Iterable<readonly [memberId: string, secret: string]> = []) {
    for (const [memberId, secret] of secrets) this.enrol(memberId, secret);
  }

  /** Enrols (or re-enrols, forgetting the last used step) a member with a base32 secret. */
  enrol(memberId: string, secret: string): void {
    if (!isUsableTotpSecret(secret)) {
      throw new RangeError('a TOTP secret must be base32 of at least 128 bits');
    }
    this.enrolments.set(memberId, { secret, lastUsedStep: undefined });
  }

  unenrol(memberId: string): void {
    this.enrolments.delete(memberId);
  }

  secretOf(memberId: string): Promise<string | undefined> {
    return Promise.resolve(this.enrolments.get(memberId)?.secret);
  }

  lastUsedStep(memberId: string): Promise<number | undefined> {
    return Promise.resolve(this.enrolments.get(memberId)?.lastUsedStep);
  }

  markUsed(memberId: string, step: number): Promise<void> {
    const enrolment = this.enrolments.get(memberId);
    if (enrolment !== undefined) {
      enrolment.lastUsedStep = Math.max(enrolment.lastUsedStep ?? step, step);
    }
    return Promise.resolve();
  }

  toJSON(): { enrolled: string[] } {
    return { enrolled: [...this.enrolments.keys()] };
  }

  [inspect.custom](): string {
    return `InMemoryTotpSecrets { enrolled: ${this.enrolments.size} members }`;
  }
}

export interface StepUpOptions {
  secrets: TotpSecrets;
  meter: ExportMeter;
  /** Failed codes allowed per member in the failure window; 5 by default. */
  maxFailures?: number;
  /** The sliding window over which failures count, ms; 15 minutes by default. */
  failureWindowMs?: number;
  /** Members whose failures are remembered at most; 10 000 by default. */
  maxTrackedMembers?: number;
  /** TOTP parameters (SHA-1, 6 digits, 30 s and ±1 step by default). */
  totp?: TotpOptions & { window?: number };
}

export type StepUpResult =
  | { ok: true; elevatedUntil: Date }
  | {
      ok: false;
      /** For the member to read; never contains the code or the secret. */
      reason: string;
      /**
       * 400 malformed code; 401 wrong or reused code; 403 no usable enrolment; 429 too many
       * failures (or the meter cannot track another member now).
       */
      status: 400 | 401 | 403 | 429;
      /** With 429: when an attempt will be considered again. */
      retryAfterMs?: number;
    };

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive whole number`);
  }
  return value;
}

function minutes(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / 60_000));
  return n === 1 ? '1 minute' : `${n} minutes`;
}

export class StepUp {
  private readonly secrets: TotpSecrets;
  private readonly meter: ExportMeter;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;
  private readonly maxTrackedMembers: number;
  private readonly totp: TotpOptions & { window?: number };
  private readonly digits: number;
  /** Failure times per member, oldest first, at most `maxFailures`; insertion order is recency. */
  private readonly failures = new Map<string, number[]>();
  /** The tail of each member's queue of verifications in progress. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(options: StepUpOptions) {
    this.secrets = options.secrets;
    this.meter = options.meter;
    this.maxFailures = positiveInteger(options.maxFailures ?? DEFAULT_MAX_FAILURES, 'maxFailures');
    this.failureWindowMs = positiveInteger(
      options.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS,
      'failureWindowMs',
    );
    this.maxTrackedMembers = positiveInteger(
      options.maxTrackedMembers ?? DEFAULT_MAX_TRACKED_MEMBERS,
      'maxTrackedMembers',
    );
    this.totp = { ...options.totp };
    this.digits = this.totp.digits ?? 6;
  }

  /**
   * Verifies the member's code at `now` (ms) and, when it is right, elevates the member in the
   * meter and returns until when.
   */
  verify(memberId: string, code: string, now: number): Promise<StepUpResult> {
    if (!Number.isFinite(now)) throw new RangeError('now must be a finite number of ms');
    return this.serialized(memberId, () => this.verifyNow(memberId, code, now));
  }

  /** Failed codes the member has left before being refused with 429, at `now`. */
  attemptsLeft(memberId: string, now: number): number {
    return Math.max(0, this.maxFailures - this.recentFailures(memberId, now).length);
  }

  private async verifyNow(memberId: string, code: string, now: number): Promise<StepUpResult> {
    const lockedFor = this.lockedFor(memberId, now);
    if (lockedFor !== undefined) {
      return {
        ok: false,
        status: 429,
        reason: `too many failed codes; try again in ${minutes(lockedFor)}`,
        retryAfterMs: lockedFor,
      };
    }
    const secret = await this.secrets.secretOf(memberId);
    if (secret === undefined) return { ok: false, status: 403, reason: NOT_ENROLLED_REASON };

    const result = verifyTotp({
      ...this.totp,
      secret,
      code,
      now,
      lastUsedStep: await this.secrets.lastUsedStep(memberId),
    });
    if (!result.ok) {
      switch (result.reason) {
        case 'malformed-code':
          return {
            ok: false,
            status: 400,
            reason: `the code must be exactly ${this.digits} digits`,
          };
        case 'malformed-secret':
          return {
            ok: false,
            status: 403,
            reason: 'the TOTP enrolment of this member is unusable; enrol again in the admin panel',
          };
        case 'replayed-code':
          this.fail(memberId, now);
          return {
            ok: false,
            status: 401,
            reason: 'the code has already been used; wait for the next one',
          };
        case 'invalid-code':
          this.fail(memberId, now);
          return { ok: false, status: 401, reason: 'the code is not valid' };
      }
    }

    await this.secrets.markUsed(memberId, result.step);
    const elevatedUntil = this.meter.elevate(memberId, now);
    if (elevatedUntil === undefined) {
      return {
        ok: false,
        status: 429,
        reason: 'the gateway cannot record a step-up now; try again with the next code later',
        retryAfterMs: this.meter.windowMs / this.meter.buckets,
      };
    }
    return { ok: true, elevatedUntil: new Date(elevatedUntil) };
  }

  /** Failure times still inside the window at `now` (a time after `now` counts too). */
  private recentFailures(memberId: string, now: number): number[] {
    const times = this.failures.get(memberId);
    if (times === undefined) return [];
    const recent = times.filter((t) => now - t < this.failureWindowMs);
    if (recent.length === 0) this.failures.delete(memberId);
    else if (recent.length !== times.length) this.failures.set(memberId, recent);
    return recent;
  }

  /** Ms until the member may try again, or `undefined` when not locked out. */
  private lockedFor(memberId: string, now: number): number | undefined {
    if (!this.failures.has(memberId) && this.failures.size >= this.maxTrackedMembers) {
      // Full of locked-out members: a failure of this one could not be remembered, so no attempt.
      if (this.victim(now) === undefined) return this.earliestRelease(now);
    }
    const recent = this.recentFailures(memberId, now);
    if (recent.length < this.maxFailures) return undefined;
    const oldest = recent[recent.length - this.maxFailures] ?? now;
    return Math.max(1, oldest + this.failureWindowMs - now);
  }

  private fail(memberId: string, now: number): void {
    const recent = this.recentFailures(memberId, now);
    recent.push(now);
    recent.sort((a, b) => a - b);
    // Only the latest `maxFailures` can ever decide a lockout.
    if (recent.length > this.maxFailures) recent.splice(0, recent.length - this.maxFailures);
    if (!this.failures.has(memberId) && this.failures.size >= this.maxTrackedMembers) {
      const victim = this.victim(now);
      // None only if others filled the table since `lockedFor` found one: remember this failure
      // anyway, going over the bound by at most the verifications in flight.
      if (victim !== undefined) this.failures.delete(victim);
    }
    this.failures.delete(memberId);
    this.failures.set(memberId, recent);
  }

  /**
   * The member to forget to make room: the least recently failing one whose failures have all
   * expired, else the least recently failing one not locked out (who thereby regains the attempts
   * spent: a bounded leak, under memory pressure only). A locked-out member is never forgotten,
   * which would lift the lockout.
   */
  private victim(now: number): string | undefined {
    let fallback: string | undefined;
    for (const [id, times] of this.failures) {
      const recent = times.filter((t) => now - t < this.failureWindowMs).length;
      if (recent === 0) return id;
      if (recent < this.maxFailures && fallback === undefined) fallback = id;
    }
    return fallback;
  }

  /** When the first locked-out member is released, for refusals while the table is full. */
  private earliestRelease(now: number): number {
    let earliest = this.failureWindowMs;
    for (const times of this.failures.values()) {
      const oldest = times[0];
      if (oldest !== undefined) earliest = Math.min(earliest, oldest + this.failureWindowMs - now);
    }
    return Math.max(1, earliest);
  }

  private async serialized<T>(memberId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(memberId) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => gate);
    this.queues.set(memberId, tail);
    try {
      await previous;
      return await run();
    } finally {
      release();
      if (this.queues.get(memberId) === tail) this.queues.delete(memberId);
    }
  }
}
