import { describe, expect, it } from 'vitest';
import { Prng, weightedTable } from './prng.js';

describe('Prng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number): number[] => {
      const prng = new Prng(seed);
      return Array.from({ length: 5 }, () => prng.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('keeps integers within their bounds, both included', () => {
    const prng = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(prng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('sets the version and variant bits of a UUID v4', () => {
    const prng = new Prng(4);
    for (let i = 0; i < 100; i++) {
      expect(prng.uuid()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('forks streams that do not depend on how much the parent has drawn', () => {
    const a = new Prng(5);
    const b = new Prng(5);
    b.uint32();
    expect(a.fork('people').uint32()).toBe(b.fork('people').uint32());
    expect(a.fork('people').uint32()).not.toBe(a.fork('companies').uint32());
  });

  it('picks by weight and never picks a zero weight', () => {
    const prng = new Prng(6);
    const sample = weightedTable([
      ['a', 3],
      ['b', 1],
      ['never', 0],
    ] as const);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 4000; i++) counts[sample(prng)]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
  });

  it('refuses to pick from nothing', () => {
    expect(() => new Prng(7).pick([])).toThrow(RangeError);
    expect(() => weightedTable([['a', 0]])).toThrow(RangeError);
  });
});
