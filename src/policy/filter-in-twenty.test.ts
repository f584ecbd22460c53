/**
 * The host filter, as Twenty reads it: the sandbox's filter is its own implementation of
 * Twenty's record filter (it shares no code with the engine), so a property comparing the two
 * compares independent readings of one filter. The world is typed, as Twenty's fields are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldMetadata, FieldMetadataType } from '../host/core-schema/object-metadata.js';
import { sandboxObject } from '../sandbox/core/fixtures.test-support.js';
import { compileFilter, type RecordFilter } from '../sandbox/core/filter.js';
import { compilePolicy } from './engine.js';
import { validatePolicy } from './load.js';
import { ACTIONS } from './schema.js';

type Row = Readonly<Record<string, unknown>>;

const FIELDS: readonly (readonly [string, FieldMetadataType])[] = [
  ['id', 'UUID'],
  ['ownerId', 'TEXT'],
  ['teamId', 'TEXT'],
  ['city', 'TEXT'],
  ['stage', 'SELECT'],
  ['score', 'NUMBER'],
];

const deal = sandboxObject({
  nameSingular: 'deal',
  namePlural: 'deals',
  labelSingular: 'Deal',
  labelPlural: 'Deals',
  fields: FIELDS.map(([name, type]): FieldMetadata => ({
    name,
    label: name,
    type,
    isNullable: true,
  })),
});

const MEMBERS = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4'];
const TEAMS = ['north', 'south'];
const CITIES = ['Paris', 'paris', 'Lyon', 'Nice'];
const STAGES = ['OPEN', 'WON', 'LOST'];

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.option(arb, { nil: null, freq: 4 });

const recordArb: fc.Arbitrary<Row> = fc.record({
  id: fc.constant('00000000-0000-4000-8000-000000000001'),
  ownerId: nullable(fc.constantFrom(...MEMBERS, 'm-9')),
  teamId: nullable(fc.constantFrom(...TEAMS, 'west')),
  city: nullable(fc.constantFrom(...CITIES)),
  stage: nullable(fc.constantFrom(...STAGES)),
  score: nullable(fc.integer({ min: -5, max: 5 })),
});

/** Conditions on the typed fields, with operators Twenty's filter accepts for each type. */
const leafArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc
    .tuple(fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), fc.integer({ min: -5, max: 5 }))
    .map(([op, n]) => ({ score: { [op]: n } })),
  fc
    .tuple(fc.constantFrom('eq', 'neq', 'like', 'ilike', 'startsWith'), fc.constantFrom(...CITIES))
    .map(([op, city]) => ({
      city: { [op]: op === 'like' || op === 'ilike' ? `%${city.slice(1)}` : city },
    })),
  fc.subarray(STAGES, { minLength: 1 }).map((stages) => ({ stage: { in: stages } })),
  fc.constantFrom('NULL', 'NOT_NULL').map((is) => ({ city: { is } })),
  fc.constant({ teamId: { in: '$member.teams' } }),
  fc.constant({ ownerId: { eq: '$member.id' } }),
);

const conditionArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

const grantArb = fc.oneof(
  fc.constantFrom('own', 'team', 'reports', 'all'),
  fc
    .tuple(fc.constantFrom('own', 'team', 'reports', 'all'), conditionArb)
    .map(([scope, where]) => ({ scope, where })),
);

const policyArb = fc
  .record({
    read: fc.array(grantArb, { minLength: 1, maxLength: 2 }),
    update: grantArb,
    restriction: fc.option(conditionArb, { nil: undefined }),
  })
  .map(({ read, update, restriction }) =>
    validatePolicy({
      version: 1,
      tiers: [{ id: 'rep' }],
      objects: { deal: { owner: ['ownerId'], fields: FIELDS.map(([name]) => name) } },
      org: {
        source: 'config',
        teams: TEAMS.map((id) => ({ id })),
        members: MEMBERS.map((id, i) => ({
          id,
          role: 'seller',
          tier: 'rep',
          teams: [TEAMS[i % 2] as string],
          ...(i > 0 ? { manager: MEMBERS[Math.floor((i - 1) / 2)] } : {}),
        })),
      },
      roles: {
        seller: {
          label: 'Seller',
          duties: 'Sells.',
          objects: {
            deal: { read: { rep: read.length === 1 ? read[0] : read }, update: { rep: update } },
          },
        },
      },
      restrictions:
        restriction === undefined
          ? []
          : [{ id: 'kept', objects: ['deal'], actions: ['update'], where: restriction }],
    }),
  );

/** The records on which Twenty's reading of `filter` and `allows` differ, one line each. */
function compare(
  filter: unknown,
  allows: (record: Row) => boolean,
  records: readonly Row[],
): string[] {
  const select = compileFilter(deal, filter as RecordFilter);
  const problems: string[] = [];
  for (const record of records) {
    const selected = select(record) === true;
    const allowed = allows(record);
    if (selected !== allowed)
      problems.push(
        `${JSON.stringify(record)}: Twenty ${selected ? 'selects' : 'drops'} it, the judge ${allowed ? 'allows' : 'denies'} (filter ${JSON.stringify(filter)})`,
      );
  }
  return problems;
}

function disagreements(
  policy: ReturnType<typeof validatePolicy>,
  records: readonly Row[],
): string[] {
  const engine = compilePolicy(policy);
  const problems: string[] = [];
  for (const member of MEMBERS) {
    const judge = engine.for(member);
    for (const action of ACTIONS) {
      const allows = (record: Row): boolean => judge.can(action, 'deal', record);
      for (const problem of compare(judge.filter(action, 'deal'), allows, records))
        problems.push(`${member} ${action} ${problem}`);
    }
  }
  return problems;
}

describe('the host filter as Twenty reads it', () => {
  it('selects exactly the records the judge allows, for random typed policies and records', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(recordArb, { minLength: 1, maxLength: 8 }),
        (policy, records) => {
          expect(disagreements(policy, records)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has a check that detects a filter Twenty reads otherwise than the judge decides', () => {
    // Two operators on one field: Twenty reads only the first, so it selects a score of 4.
    const between = (record: Row): boolean =>
      typeof record.score === 'number' && record.score > 0 && record.score < 3;
    const records = [{ score: 4 }, { score: 1 }];
    expect(compare({ score: { gt: 0, lt: 3 } }, between, records)).toHaveLength(1);
    expect(
      compare({ and: [{ score: { gt: 0 } }, { score: { lt: 3 } }] }, between, records),
    ).toEqual([]);
  });
});
