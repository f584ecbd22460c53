/**
 * Dates for the seed, always relative to the reference date passed in, never to `Date.now()`:
 * the same seed must give the same records whenever it runs.
 */
import type { Prng } from './prng.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const YEAR_MS = 365 * DAY_MS;

export function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Midnight UTC of the reference's day, so close dates fall on whole days as users pick them. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** A time at or after `createdAt` and before `toMs`: most records are edited after creation. */
export function updatedAfter(prng: Prng, createdAt: number, toMs: number): number {
  // A third are never edited again, so their updatedAt equals createdAt as in Twenty.
  if (prng.chance(0.33) || toMs <= createdAt) return createdAt;
  return Math.max(createdAt, wholeSecond(prng.between(createdAt, toMs)));
}

/** A created and a later updated time, both in [from, to], whole seconds. */
export function createdAndUpdated(
  prng: Prng,
  fromMs: number,
  toMs: number,
): { createdAt: number; updatedAt: number } {
  const createdAt = Math.max(wholeSecond(fromMs), wholeSecond(prng.between(fromMs, toMs)));
  return { createdAt, updatedAt: updatedAfter(prng, createdAt, toMs) };
}
