import { describe, expect, it } from 'vitest';
import { ExportMeter, type ExportCheck } from './export-meter.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The start of a one-minute bucket: 28 333 333 × 60 000 ms. */
const T0 = 1_699_999_980_000;

function meter(options: Partial<ConstructorParameters<typeof ExportMeter>[0]> = {}): ExportMeter {
  return new ExportMeter({ maxRowsWithoutStepUp: 1000, windowMs: HOUR, ...options });
}

function refusal(rowsInWindow: number, retryAfterMs: number): ExportCheck {
  return { allowed: false, code: 'STEP_UP_REQUIRED', rowsInWindow, limit: 1000, retryAfterMs };
}

describe('ExportMeter: the limit', () => {
  it('allows a member who has read nothing', () => {
    expect(meter().check('alice', T0)).toEqual({ allowed: true });
  });

  it('allows reads up to exactly the limit and refuses the read after them', () => {
    const m = meter();
    for (let i = 0; i < 1000; i++) {
      expect(m.check('alice', T0)).toEqual({ allowed: true });
      m.record('alice', 1, T0);
    }
    expect(m.check('alice', T0)).toEqual(refusal(1000, HOUR + MINUTE));
  });

  it('allows a read at 999 rows and refuses one at 1000', () => {
    const m = meter();
    m.record('alice', 999, T0);
    expect(m.check('alice', T0)).toEqual({ allowed: true });
    m.record('alice', 1, T0);
    expect(m.check('alice', T0).allowed).toBe(false);
  });

  it('counts every row of a read that started under the limit, so the next read is refused', () => {
    const m = meter();
    expect(m.check('alice', T0).allowed).toBe(true);
    m.record('alice', 5000, T0);
    expect(m.check('alice', T0)).toEqual(refusal(5000, HOUR + MINUTE));
  });

  it('counts each member on their own', () => {
    const m = meter();
    m.record('alice', 1000, T0);
    expect(m.check('alice', T0).allowed).toBe(false);
    expect(m.check('bob', T0)).toEqual({ allowed: true });
  });

  it('says how many rows remain before a step-up', () => {
    const m = meter();
    expect(m.remaining('alice', T0)).toBe(1000);
    m.record('alice', 400, T0);
    expect(m.remaining('alice', T0)).toBe(600);
    m.record('alice', 700, T0);
    expect(m.remaining('alice', T0)).toBe(0);
  });
});

describe('ExportMeter: the sliding window', () => {
  it('keeps counting rows for the whole window after they were read', () => {
    const m = meter();
    m.record('alice', 1000, T0);
    expect(m.check('alice', T0 + HOUR - 1).allowed).toBe(false);
    expect(m.check('alice', T0 + HOUR).allowed).toBe(false);
  });

  it('forgets rows at most one bucket (a minute) after the window', () => {
    const m = meter();
    m.record('alice', 1000, T0);
    expect(m.check('alice', T0 + HOUR + MINUTE - 1).allowed).toBe(false);
    expect(m.check('alice', T0 + HOUR + MINUTE)).toEqual({ allowed: true });
    expect(m.rowsInWindow('alice', T0 + HOUR + MINUTE)).toBe(0);
  });

  it('counts a row read at the end of a bucket for just over the window', () => {
    const m = meter();
    m.record('alice', 1000, T0 + MINUTE - 1);
    expect(m.check('alice', T0 + MINUTE - 1 + HOUR).allowed).toBe(false);
    expect(m.check('alice', T0 + HOUR + MINUTE)).toEqual({ allowed: true });
  });

  it('slides: the older rows age out first and the newer ones still count', () => {
    const m = meter();
    m.record('alice', 600, T0);
    m.record('alice', 400, T0 + 30 * MINUTE);
    expect(m.check('alice', T0 + 30 * MINUTE)).toEqual(refusal(1000, 31 * MINUTE));
    expect(m.check('alice', T0 + 61 * MINUTE)).toEqual({ allowed: true });
    expect(m.rowsInWindow('alice', T0 + 61 * MINUTE)).toBe(400);
    expect(m.rowsInWindow('alice', T0 + 91 * MINUTE)).toBe(0);
  });

  it('gives a retry time at which the read is allowed, and not a millisecond before', () => {
    const m = meter();
    m.record('alice', 300, T0 + 5 * MINUTE + 17);
    m.record('alice', 300, T0 + 20 * MINUTE);
    m.record('alice', 900, T0 + 40 * MINUTE);
    const now = T0 + 50 * MINUTE + 123;
    // Both buckets of 300 must age out to fall under 1000: the second does at 20 + 61 minutes.
    const retry = T0 + 81 * MINUTE - now;
    expect(m.check('alice', now)).toEqual(refusal(1500, retry));
    expect(m.check('alice', now + retry - 1).allowed).toBe(false);
    expect(m.check('alice', now + retry)).toEqual({ allowed: true });
  });

  it('reuses its buckets: one row a minute for three hours leaves one window of rows', () => {
    const m = meter();
    for (let minute = 0; minute < 180; minute++) m.record('alice', 1, T0 + minute * MINUTE);
    // The 60 buckets of the window plus the one being filled.
    expect(m.rowsInWindow('alice', T0 + 179 * MINUTE)).toBe(61);
  });

  it('does not un-count rows when the clock steps back', () => {
    const m = meter();
    m.record('alice', 1000, T0 + 10 * MINUTE);
    expect(m.check('alice', T0).allowed).toBe(false);
    m.record('alice', 5, T0);
    expect(m.rowsInWindow('alice', T0 + 10 * MINUTE)).toBe(1005);
  });
});

describe('ExportMeter: elevation', () => {
  it('allows reads over the limit while elevated', () => {
    const m = meter();
    m.record('alice', 1000, T0);
    expect(m.elevate('alice', T0 + 1000)).toBe(T0 + 1000 + 600_000);
    expect(m.check('alice', T0 + 1000)).toEqual({ allowed: true });
    expect(m.remaining('alice', T0 + 1000)).toBe(Infinity);
  });

  it('ends the elevation at exactly 10 minutes', () => {
    const m = meter();
    m.record('alice', 1000, T0);
    m.elevate('alice', T0);
    expect(m.check('alice', T0 + 599_999)).toEqual({ allowed: true });
    expect(m.elevatedUntil('alice', T0 + 599_999)).toBe(T0 + 600_000);
    expect(m.check('alice', T0 + 600_000).allowed).toBe(false);
    expect(m.elevatedUntil('alice', T0 + 600_000)).toBeUndefined();
  });

  it('still counts rows read while elevated, so they refuse reads once it ends', () => {
    const m = meter();
    m.elevate('alice', T0);
    m.record('alice', 4000, T0 + MINUTE);
    expect(m.check('alice', T0 + 2 * MINUTE)).toEqual({ allowed: true });
    expect(m.check('alice', T0 + 10 * MINUTE)).toEqual(refusal(4000, 52 * MINUTE));
  });

  it('extends an elevation when the member steps up again, and never shortens one', () => {
    const m = meter({ elevationMs: 600_000 });
    m.elevate('alice', T0);
    expect(m.elevate('alice', T0 + 300_000)).toBe(T0 + 900_000);
    expect(m.elevate('alice', T0 + 100_000)).toBe(T0 + 900_000);
  });

  it('reports no elevation for a member never elevated', () => {
    const m = meter();
    m.record('alice', 1, T0);
    expect(m.elevatedUntil('alice', T0)).toBeUndefined();
    expect(m.elevatedUntil('nobody', T0)).toBeUndefined();
  });
});

describe('ExportMeter: bounded memory', () => {
  it('never tracks more than maxMembers members', () => {
    const m = meter({ maxMembers: 3 });
    for (let i = 0; i < 100; i++) {
      m.check(`member-${i}`, T0 + i);
      m.record(`member-${i}`, 1, T0 + i);
      expect(m.stats().members).toBeLessThanOrEqual(3);
    }
    expect(m.stats()).toEqual({ members: 3, evictions: 97, saturatedRefusals: 0 });
  });

  it('never evicts a member at the limit, so their refusal stands however many others read', () => {
    const m = meter({ maxMembers: 2 });
    m.record('hoarder', 1000, T0);
    for (let i = 0; i < 50; i++) {
      m.check(`member-${i}`, T0 + i);
      m.record(`member-${i}`, 999, T0 + i);
      expect(m.check('hoarder', T0 + i).allowed).toBe(false);
    }
    expect(m.rowsInWindow('hoarder', T0 + 50)).toBe(1000);
  });

  it('evicts an idle member before one with rows, and one with rows before an elevated one', () => {
    const m = meter({ maxMembers: 3 });
    m.elevate('elevated', T0);
    m.record('partial', 10, T0);
    m.check('idle', T0);
    m.record('newcomer-1', 20, T0);
    // The idle member went first, though least recently used was the elevated one.
    expect(m.rowsInWindow('partial', T0)).toBe(10);
    expect(m.elevatedUntil('elevated', T0)).toBe(T0 + 600_000);
    m.record('newcomer-2', 30, T0);
    // Then the least recently used member with rows.
    expect(m.rowsInWindow('partial', T0)).toBe(0);
    expect(m.rowsInWindow('newcomer-1', T0)).toBe(20);
    m.record('newcomer-3', 40, T0);
    expect(m.rowsInWindow('newcomer-1', T0)).toBe(0);
    expect(m.elevatedUntil('elevated', T0)).toBe(T0 + 600_000);
    // With only elevated members left under the limit, an elevated member goes.
    m.elevate('newcomer-2', T0);
    m.elevate('newcomer-3', T0);
    m.check('newcomer-4', T0);
    expect(m.elevatedUntil('elevated', T0)).toBeUndefined();
    expect(m.elevatedUntil('newcomer-2', T0)).toBe(T0 + 600_000);
    expect(m.stats()).toEqual({ members: 3, evictions: 4, saturatedRefusals: 0 });
  });

  it('evicts the least recently used of equally ranked members', () => {
    const m = meter({ maxMembers: 2 });
    m.record('first', 5, T0);
    m.record('second', 5, T0);
    m.check('first', T0 + 1);
    m.record('third', 5, T0 + 2);
    expect(m.rowsInWindow('first', T0 + 2)).toBe(5);
    expect(m.rowsInWindow('second', T0 + 2)).toBe(0);
  });

  it('refuses a new member when every tracked member is at the limit, until rows age out', () => {
    const m = meter({ maxMembers: 2 });
    m.record('a', 1000, T0);
    m.record('b', 1000, T0 + 10 * MINUTE);
    expect(m.check('newcomer', T0 + 20 * MINUTE)).toEqual({
      allowed: false,
      code: 'STEP_UP_REQUIRED',
      rowsInWindow: 0,
      limit: 1000,
      retryAfterMs: 41 * MINUTE,
    });
    expect(m.elevate('newcomer', T0 + 20 * MINUTE)).toBeUndefined();
    expect(m.stats()).toEqual({ members: 2, evictions: 0, saturatedRefusals: 1 });
    expect(m.check('newcomer', T0 + 61 * MINUTE)).toEqual({ allowed: true });
    expect(m.check('b', T0 + 61 * MINUTE).allowed).toBe(false);
  });
});

describe('ExportMeter: arguments', () => {
  it('refuses a window that is not a whole number of buckets, and a limit under 1', () => {
    expect(() => meter({ windowMs: 1001 })).toThrow(RangeError);
    expect(() => meter({ maxRowsWithoutStepUp: 0 })).toThrow(RangeError);
    expect(() => meter({ maxMembers: 0 })).toThrow(RangeError);
  });

  it('refuses negative or fractional row counts and times that are not instants', () => {
    const m = meter();
    expect(() => m.record('alice', -1, T0)).toThrow(RangeError);
    expect(() => m.record('alice', 1.5, T0)).toThrow(RangeError);
    expect(() => m.check('alice', Number.NaN)).toThrow(RangeError);
    expect(() => m.check('alice', -1)).toThrow(RangeError);
  });
});
