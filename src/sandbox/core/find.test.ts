import { describe, expect, it } from 'vitest';
import {
  at,
  C_ACME,
  C_GLOBEX,
  C_INITECH,
  harness,
  ids,
  O_BIG,
  O_NONE,
  O_WON,
  P_ADA,
  P_BOB,
  P_CARLA,
  P_GONE,
} from './fixtures.test-support.js';

async function people(filter: unknown): Promise<string[]> {
  const data = await harness().run(
    'query ($filter: PersonFilterInput) { people(filter: $filter) { edges { node { id } } } }',
    { filter },
  );
  return ids(at(data, 'people'));
}

async function opportunities(filter: unknown): Promise<string[]> {
  const data = await harness().run(
    'query ($f: OpportunityFilterInput) { opportunities(filter: $f) { edges { node { id } } } }',
    { f: filter },
  );
  return ids(at(data, 'opportunities'));
}

describe('findMany filters', () => {
  it('matches text with eq, neq, in, like, ilike, startsWith and endsWith', async () => {
    expect(await people({ jobTitle: { eq: 'CEO' } })).toEqual([P_ADA]);
    expect(await people({ city: { neq: 'Paris' } })).toEqual([P_CARLA]);
    expect(await people({ city: { in: ['Paris', 'Berlin'] } })).toEqual([P_ADA, P_CARLA]);
    expect(await people({ city: { like: 'P%' } })).toEqual([P_ADA]);
    expect(await people({ city: { like: 'p%' } })).toEqual([]);
    expect(await people({ city: { ilike: 'p%' } })).toEqual([P_ADA]);
    expect(await people({ city: { startsWith: 'Ber' } })).toEqual([P_CARLA]);
    expect(await people({ city: { endsWith: 'ris' } })).toEqual([P_ADA]);
  });

  it('compares numbers and dates with gt, gte, lt and lte', async () => {
    const data = await harness().run(
      '{ a: companies(filter: { employees: { gt: 5 } }) { totalCount } b: companies(filter: { employees: { lte: 100 } }) { totalCount } }',
    );
    expect(at(data, 'a.totalCount')).toBe(1);
    expect(at(data, 'b.totalCount')).toBe(1);
    expect(await opportunities({ closeDate: { gte: '2026-01-15T10:00:00.000Z' } })).toEqual([
      O_BIG,
      O_WON,
    ]);
    expect(await opportunities({ closeDate: { lt: '2026-02-01T00:00:00Z' } })).toEqual([O_BIG]);
  });

  it('tests nullity with is NULL and is NOT_NULL', async () => {
    expect(await people({ city: { is: 'NULL' } })).toEqual([P_BOB]);
    expect(await people({ city: { is: 'NOT_NULL' } })).toEqual([P_ADA, P_CARLA]);
    expect(await opportunities({ closeDate: { is: 'NULL' } })).toEqual([O_NONE]);
  });

  it('filters on composite sub-fields and join columns', async () => {
    expect(await people({ name: { lastName: { eq: 'Smith' } } })).toEqual([P_ADA, P_CARLA]);
    expect(await people({ name: { firstName: { ilike: 'C%' } } })).toEqual([P_CARLA]);
    expect(await people({ emails: { primaryEmail: { endsWith: '@globex.com' } } })).toEqual([
      P_BOB,
    ]);
    expect(await people({ companyId: { eq: C_ACME } })).toEqual([P_ADA, P_CARLA]);
    expect(await opportunities({ amount: { amountMicros: { gt: 1_000_000 } } })).toEqual([O_BIG]);
  });

  it('filters enums with eq, in and containsAny', async () => {
    expect(await opportunities({ stage: { eq: 'NEW' } })).toEqual([O_BIG]);
    expect(await opportunities({ stage: { in: ['MEETING', 'CUSTOMER'] } })).toEqual([
      O_NONE,
      O_WON,
    ]);
    expect(await opportunities({ stage: { containsAny: ['CUSTOMER'] } })).toEqual([O_WON]);
  });

  it('combines with and, or and not', async () => {
    expect(await people({ and: [{ city: { eq: 'Paris' } }, { jobTitle: { eq: 'CEO' } }] })).toEqual(
      [P_ADA],
    );
    expect(await people({ or: [{ city: { eq: 'Paris' } }, { jobTitle: { eq: 'CTO' } }] })).toEqual([
      P_ADA,
      P_CARLA,
    ]);
    expect(await people({ not: { jobTitle: { eq: 'CEO' } } })).toEqual([P_BOB, P_CARLA]);
  });

  it('keeps comparisons with NULL unknown, as SQL does, even under not', async () => {
    // Bob's city is NULL: neither `city = 'Paris'` nor its negation selects him.
    expect(await people({ city: { eq: 'Paris' } })).toEqual([P_ADA]);
    expect(await people({ not: { city: { eq: 'Paris' } } })).toEqual([P_CARLA]);
    // An unknown branch of `or` does not hide a true one.
    expect(await people({ or: [{ city: { eq: 'Paris' } }, { jobTitle: { eq: '' } }] })).toEqual([
      P_ADA,
      P_BOB,
    ]);
  });

  it('leaves soft-deleted records out unless the filter names deletedAt', async () => {
    expect(await people({})).toEqual([P_ADA, P_BOB, P_CARLA]);
    expect(await people({ deletedAt: { is: 'NOT_NULL' } })).toEqual([P_GONE]);
    expect(
      await people({ or: [{ deletedAt: { is: 'NULL' } }, { deletedAt: { is: 'NOT_NULL' } }] }),
    ).toHaveLength(4);
  });

  it('reports an invalid filter as a user input error', async () => {
    const errors = await harness().fail('{ people(filter: { city: { in: [] } }) { totalCount } }');
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('findMany ordering', () => {
  const query =
    'query ($o: [PersonOrderByInput]) { people(orderBy: $o) { edges { node { id } } } }';

  it('orders by id when no order is given', async () => {
    const data = await harness().run(query);
    expect(ids(at(data, 'people'))).toEqual([P_ADA, P_BOB, P_CARLA]);
  });

  it('places nulls first or last as the direction says', async () => {
    const h = harness();
    const order = async (city: string) => ids(at(await h.run(query, { o: [{ city }] }), 'people'));
    expect(await order('AscNullsFirst')).toEqual([P_BOB, P_CARLA, P_ADA]);
    expect(await order('AscNullsLast')).toEqual([P_CARLA, P_ADA, P_BOB]);
    expect(await order('DescNullsFirst')).toEqual([P_BOB, P_ADA, P_CARLA]);
    expect(await order('DescNullsLast')).toEqual([P_ADA, P_CARLA, P_BOB]);
  });

  it('orders by composite sub-fields, then by the next key', async () => {
    const data = await harness().run(query, {
      o: [{ name: { lastName: 'DescNullsLast' } }, { jobTitle: 'AscNullsLast' }],
    });
    expect(ids(at(data, 'people'))).toEqual([P_ADA, P_CARLA, P_BOB]);
  });
});

describe('findMany paging', () => {
  const page =
    'query ($first: Int, $last: Int, $after: String, $before: String) { people(first: $first, last: $last, after: $after, before: $before) { totalCount edges { node { id } cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';

  it('serves QUERY_MAX_RECORDS (200) records when first and last are absent, and a larger first in full', async () => {
    const h = harness();
    const data = Array.from({ length: 250 }, (_, index) => ({ name: `C${index}` }));
    for (const batch of [data.slice(0, 200), data.slice(200)])
      await h.run(
        'mutation ($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
        {
          data: batch,
        },
      );
    const count = async (args: string) =>
      (
        at(
          await h.run(`{ companies${args} { edges { node { id } } pageInfo { hasNextPage } } }`),
          'companies.edges',
        ) as unknown[]
      ).length;
    expect(await count('')).toBe(200);
    // Twenty's GraphQL find-many does not cap first: only the gateway's maxPageSize does.
    expect(await count('(first: 1000)')).toBe(252);
  });

  it('pages forwards with first and after, counting every matching record', async () => {
    const h = harness();
    const one = at(await h.run(page, { first: 2 }), 'people');
    expect(ids(one)).toEqual([P_ADA, P_BOB]);
    expect(at(one, 'totalCount')).toBe(3);
    expect(at(one, 'pageInfo')).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = at(await h.run(page, { first: 2, after: at(one, 'pageInfo.endCursor') }), 'people');
    expect(ids(two)).toEqual([P_CARLA]);
    expect(at(two, 'totalCount')).toBe(3);
    expect(at(two, 'pageInfo')).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('pages backwards with last and before, in presentation order', async () => {
    const h = harness();
    const all = at(await h.run(page, {}), 'people');
    const before = at(all, 'pageInfo.endCursor');
    const back = at(await h.run(page, { last: 1, before }), 'people');
    expect(ids(back)).toEqual([P_BOB]);
    expect(at(back, 'pageInfo')).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const start = at(await h.run(page, { last: 5, before }), 'people');
    expect(ids(start)).toEqual([P_ADA, P_BOB]);
    expect(at(start, 'pageInfo.hasPreviousPage')).toBe(false);
  });

  it('encodes cursors as Twenty does: base64 JSON of the order values and the id', async () => {
    const data = await harness().run(
      '{ people(orderBy: [{ city: AscNullsLast }], first: 1) { edges { cursor } } }',
    );
    const cursor = String(at(data, 'people.edges.0.cursor'));
    expect(JSON.parse(Buffer.from(cursor, 'base64').toString())).toEqual({
      city: 'Berlin',
      id: P_CARLA,
    });
  });

  it('pages through records whose sort value is NULL', async () => {
    const h = harness();
    const q =
      'query ($after: String) { people(orderBy: [{ city: AscNullsLast }], first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }';
    const one = at(await h.run(q), 'people');
    const two = at(await h.run(q, { after: at(one, 'pageInfo.endCursor') }), 'people');
    expect([...ids(one), ...ids(two)]).toEqual([P_CARLA, P_ADA, P_BOB]);
  });

  it('refuses conflicting paging arguments with Twenty’s message', async () => {
    const errors = await harness().fail('{ people(first: 1, last: 1) { totalCount } }');
    expect(errors[0]?.message).toBe('Cannot provide both first and last');
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor that does not decode', async () => {
    const errors = await harness().fail('{ people(after: "%%%") { totalCount } }');
    expect(errors[0]?.message).toBe('Invalid cursor: %%%');
  });
});

describe('findMany aggregates and findOne', () => {
  it('computes the aggregates the connection declares over all matching records', async () => {
    const data = await harness().run(
      '{ companies(first: 1) { totalCount countEmptyEmployees countNotEmptyEmployees sumEmployees percentageEmptyEmployees } opportunities { sumAmountAmountMicros maxCloseDate countUniqueValuesStage } }',
    );
    expect(at(data, 'companies')).toMatchObject({
      totalCount: 2,
      countEmptyEmployees: 1,
      countNotEmptyEmployees: 1,
      sumEmployees: 100,
      percentageEmptyEmployees: 0.5,
    });
    expect(at(data, 'opportunities')).toMatchObject({
      sumAmountAmountMicros: 5_001_000_000,
      maxCloseDate: '2026-03-01T00:00:00.000Z',
      countUniqueValuesStage: 3,
    });
  });

  it('finds one record by filter, and answers not found otherwise', async () => {
    const h = harness();
    const data = await h.run(
      'query ($id: UUID!) { company(filter: { id: { eq: $id } }) { name } }',
      {
        id: C_GLOBEX,
      },
    );
    expect(at(data, 'company.name')).toBe('Globex');
    const errors = await h.fail(
      'query ($id: UUID!) { company(filter: { id: { eq: $id } }) { name } }',
      {
        id: C_INITECH,
      },
    );
    expect(errors[0]?.message).toBe('Record not found');
    expect(errors[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
