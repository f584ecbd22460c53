/** Generated checks shared as cases of one function per engine, and what happens past its bound. */
import { describe, expect, it } from 'vitest';
import { compileAllows, compileListCheck } from './allow-code.js';
import { CodeTable, MAX_SHAPES } from './code-table.js';
import { compilePolicy } from './engine.js';
import { validatePolicy } from './load.js';

describe('A code table', () => {
  it('gives one case to one body, and answers for a case added after it was generated', () => {
    const table = new CodeTable<boolean>('return false;');
    const big = table.shapeOf('return r.n > p[0];');
    expect(table.shapeOf('return r.n > p[0];')).toBe(big);
    expect(table.run(big, [3], { n: 5 })).toBe(true);
    const small = table.shapeOf('return r.n < p[0];');
    expect(small).not.toBe(big);
    expect(table.run(small, [3], { n: 5 })).toBe(false);
    expect(table.run(small, [9], { n: 5 })).toBe(true);
    expect(table.run(big, [9], { n: 5 })).toBe(false);
    expect(table.size).toBe(2);
  });

  it('refuses a case past its bound, and the plan then answers through a function of its own', () => {
    const table = new CodeTable<boolean>('return false;');
    for (let i = 0; i < MAX_SHAPES; i++) expect(table.shapeOf(`return ${i} === p[0];`)).toBe(i);
    expect(table.shapeOf('return true;')).toBe(-1);
    const clause = {
      members: null,
      only: undefined,
      where: { stage: { eq: 'won' } },
      exclusions: [],
    };
    const compiled = compileAllows({ clauses: [clause], owners: [], ownerPaths: [] }, table);
    expect(compiled.shape).toBe(-1);
    expect(compiled.allows({ stage: 'won' })).toBe(true);
    expect(compiled.allows({ stage: 'lost' })).toBe(false);
    expect(compiled.allows({})).toBe(false);
  });
});

describe('A list check', () => {
  it('is -1 where the plan denies the record, else the mask of the caps that hold', () => {
    const table = new CodeTable<number>('return -1;');
    const input = {
      clauses: [
        {
          members: new Set(['m1', 'm2']),
          only: undefined,
          where: undefined,
          exclusions: [{ leaves: { locked: { neq: true } } }],
        },
      ],
      owners: [(r: Readonly<Record<string, unknown>>) => r.ownerId],
      ownerPaths: [['ownerId']],
    };
    const caps = [{ amount: { gt: 100 } }, { stage: { eq: 'won' } }];
    const { mask, shape } = compileListCheck(input, caps, table);
    expect(shape).toBe(0);
    expect(mask({ ownerId: 'm3', amount: 500 })).toBe(-1);
    expect(mask({ ownerId: 'm1', locked: true, amount: 500 })).toBe(-1);
    expect(mask({ ownerId: 'm1', locked: false, amount: 5 })).toBe(0);
    expect(mask({ ownerId: 'm2', locked: false, amount: 500 })).toBe(1);
    expect(mask({ ownerId: 'm2', locked: false, amount: 500, stage: 'won' })).toBe(3);
    expect(mask({ ownerId: 'm2', locked: false, stage: 'won' })).toBe(2);
  });
});

describe('A judge of a policy with more shapes of plan than one table holds', () => {
  // Each member is kept from reading records whose own field is "x": a plan of its own shape.
  const count = MAX_SHAPES + 12;
  const fields = Array.from({ length: count }, (_, i) => `f${i}`);
  const policy = validatePolicy({
    version: 1,
    tiers: [{ id: 'staff' }],
    objects: { note: { owner: ['ownerId'], fields: ['id', 'ownerId', ...fields] } },
    org: {
      source: 'config',
      members: fields.map((_, i) => ({ id: `m${i}`, role: 'rep', tier: 'staff' })),
    },
    roles: {
      rep: { label: 'Rep', duties: 'Reads notes.', objects: { note: { read: { staff: 'all' } } } },
    },
    restrictions: fields.map((field, i) => ({
      id: `no-x-${i}`,
      objects: ['note'],
      actions: ['read'],
      members: [`m${i}`],
      where: { [field]: { eq: 'x' } },
    })),
  });

  it('answers every member as its decision does, inside the table and past it', () => {
    const engine = compilePolicy(policy);
    engine.warm();
    for (let i = 0; i < count; i++) {
      const judge = engine.for(`m${i}`);
      const own = { id: 'a', ownerId: `m${i}`, [`f${i}`]: 'x' };
      const other = { id: 'b', ownerId: `m${i}`, [`f${i}`]: 'y' };
      for (const record of [own, other]) {
        const decided = judge.decide('read', 'note', record).effect === 'allow';
        expect(judge.can('read', 'note', record)).toBe(decided);
        expect(judge.permittedFields('read', 'note', record).length > 0).toBe(decided);
      }
      expect(judge.can('read', 'note', own)).toBe(false);
      expect(judge.can('read', 'note', other)).toBe(true);
    }
  });
});
