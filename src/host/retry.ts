/**
 * Retries with exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff
 * and Jitter"), on what may pass: network failures, 429 and 5xx. A `Retry-After` from the host
 * wins over the computed delay, capped so a hostile value cannot stall us for hours.
 *
 * Twenty's own rate-limit refusals carry no Retry-After; their message names the bucket that
 * ran out (`Limit reached (100 tokens per 60000 ms)`, twentyhq/twenty `packages/twenty-server/
 * src/engine/core-modules/throttler/throttler.service.ts`), which is enough to know when the
 * next token comes. They have a budget of their own: waiting them out is the normal course of a
 * long task, not a sign that the host is failing.
 */
import type { RateLimit } from './rate-limit.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Refusals by the host's rate limit waited out per request, before giving up. */
  readonly rateLimitedRetries?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  rateLimitedRetries: 20,
};

const LIMIT_REACHED = /^Limit reached \((\d+) tokens per (\d+) ms\)$/;

/** The bucket a Twenty rate-limit refusal names, or undefined for any other message. */
export function parseLimitReached(message: string): RateLimit | undefined {
  const match = LIMIT_REACHED.exec(message.trim());
  if (!match) return undefined;
  const requests = Number(match[1]);
  const windowMs = Number(match[2]);
  return requests >= 1 && windowMs > 0 ? { requests, windowMs } : undefined;
}

/**
 * The wait after a rate-limit refusal: Retry-After when the host sent one, else the time the
 * named bucket takes to earn one token, with up to as much again of jitter so that clients
 * sharing the workspace do not come back together; else the usual backoff.
 */
export function rateLimitedDelay(
  attempt: number,
  options: RetryOptions,
  random: () => number,
  hint: { readonly retryAfterMs?: number | undefined; readonly bucket?: RateLimit | undefined },
): number {
  if (hint.retryAfterMs !== undefined) return Math.min(hint.retryAfterMs, options.maxDelayMs);
  if (hint.bucket !== undefined) {
    const perToken = Math.ceil(hint.bucket.windowMs / hint.bucket.requests);
    return Math.min(perToken + Math.floor(random() * perToken), options.maxDelayMs);
  }
  return backoffDelay(attempt, options, random);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(
  attempt: number,
  options: RetryOptions,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
