/**
 * Variants an outside attacker tries after the obvious ones are closed: emptiness of a hidden
 * sub-field (`is: NULL`), group-bys ordering their records by it, a cursor moved into a nested
 * relation of another object, the search vector as an ordering or a group, duplicates naming
 * an id out of reach, and answers that hold only a page's info (its cursors and `hasNextPage`
 * tell which records match a filter, as a count would). Each is compared with what the host
 * answers directly.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../policy/schema.js';
import {
  demoPolicyWith,
  gatewayFixture,
  withExportLimit,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import {
  exportClockPerTest,
  expectRefusedWhereHostAnswers,
  idOf,
  owningJunior,
  split,
} from './bypass.test-support.js';

const ALL = { junior: 'all' };
const LIMIT = 12;

/** The analyst reads every company with its ARR amount hidden, and people with phones masked. */
const POLICY: Policy = withExportLimit(
  demoPolicyWith({
    analyst: {
      company: {
        read: ALL,
        fields: {
          default: { junior: 'read' },
          'annualRecurringRevenue.amountMicros': { junior: 'hidden' },
        },
      },
      opportunity: { read: ALL, fields: { default: { junior: 'read' } } },
      person: {
        read: ALL,
        fields: {
          default: { junior: 'read' },
          'phones.primaryPhoneNumber': { junior: { mask: 'last4' } },
        },
      },
    },
  }),
  LIMIT,
);

const clock = exportClockPerTest();
let fx: GatewayFixture;
let analyst: string;
beforeAll(async () => {
  fx = await gatewayFixture({ policy: POLICY, now: clock.read });
  analyst = fx.tokenOf(fx.member('analyst', 'intermediate').id);
}, 60_000);
afterAll(async () => fx.close());

describe('§22.1 a hidden sub-field’s emptiness', () => {
  it.each([
    '{ companies(filter: { annualRecurringRevenue: { amountMicros: { is: NULL } } }) { totalCount } }',
    '{ companies(filter: { not: { annualRecurringRevenue: { amountMicros: { is: NOT_NULL } } } }) { edges { node { id } } } }',
    '{ companies(filter: { and: [{ name: { like: "%" } }, { annualRecurringRevenue: { currencyCode: { like: "%" }, amountMicros: { is: NULL } } }] }) { totalCount } }',
    '{ people(first: 5) { edges { node { company { id } } } } opportunities(first: 5) { edges { node { company { name } } } } c: companies(first: 3) { edges { node { people(filter: { phones: { primaryPhoneNumber: { is: NULL } } }) { totalCount } } } } }',
  ])('is not revealed through an is-NULL filter: %s', async (query) => {
    await expectRefusedWhereHostAnswers(fx, analyst, query);
  });

  it.each([
    '/rest/companies?filter=annualRecurringRevenue.amountMicros[is]:NULL',
    '/rest/companies?filter=or(name[like]:"zzz",annualRecurringRevenue.amountMicros[is]:NOT_NULL)',
  ])('is not revealed through a REST is-NULL filter: %s', async (path) => {
    const direct = await fx.rest(analyst, 'GET', path, undefined, true);
    expect(direct.status).toBe(200);
    const through = await fx.rest(analyst, 'GET', path);
    // A permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
    expect(through.status).toBe(400);
    expect(through.text).not.toContain('"companies"');
  });

  it.each([
    '{ companiesGroupBy(groupBy: [{ name: true }], orderByForRecords: [{ annualRecurringRevenue: { amountMicros: AscNullsFirst } }]) { groupByDimensionValues totalCount } }',
    '{ companiesGroupBy(groupBy: [{ createdAt: { granularity: DAY } }], filter: { annualRecurringRevenue: { amountMicros: { is: NULL } } }) { groupByDimensionValues totalCount } }',
    '{ companiesGroupBy(groupBy: [{ annualRecurringRevenue: { currencyCode: true } }]) { groupByDimensionValues countEmptyAnnualRecurringRevenue } }',
  ])('is not revealed through a group-by: %s', async (query) => {
    await expectRefusedWhereHostAnswers(fx, analyst, query);
  });
});

describe('§22.2 a cursor moved to another connection', () => {
  async function personCursor(): Promise<string> {
    const answer = await fx.graphql(analyst, {
      query: '{ people(first: 2) { pageInfo { endCursor } } }',
    });
    const people = answer.body.data?.people as { pageInfo: { endCursor: string } };
    return people.pageInfo.endCursor;
  }

  it('is refused in a nested relation of another object, literal or as a variable', async () => {
    const cursor = await personCursor();
    for (const body of [
      {
        query: `{ companies(first: 2) { edges { node { opportunities(after: "${cursor}") { edges { node { id } } } } } } }`,
      },
      {
        query:
          'query($c: String) { companies(first: 2) { edges { node { opportunities(after: $c) { edges { node { id } } } } } } }',
        variables: { c: cursor },
      },
      {
        query:
          'query($c: String) { companies(first: 2) { edges { node { opportunities(before: $c) { edges { node { id } } } } } } }',
        variables: { c: cursor },
      },
    ]) {
      const answer = await fx.graphql(analyst, body);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('is opened in a nested relation of its own object (the control)', async () => {
    const cursor = await personCursor();
    const answer = await fx.graphql(analyst, {
      query:
        'query($c: String) { companies(first: 2) { edges { node { people(after: $c) { edges { node { id } } } } } } }',
      variables: { c: cursor },
    });
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('§22.3 the search vector of a member who reads a masked phone', () => {
  it.each([
    '{ people(orderBy: [{ searchVector: AscNullsFirst }], first: 3) { edges { node { id } } } }',
    '{ peopleGroupBy(groupBy: [{ searchVector: true }]) { groupByDimensionValues } }',
    '{ companies(first: 2) { edges { node { people(filter: { searchVector: { search: "555" } }) { totalCount } } } } }',
    '{ opportunities(first: 3) { edges { node { pointOfContact { searchVector } } } } }',
  ])(
    'is refused as an ordering, a group, a nested filter or a nested selection: %s',
    async (query) => {
      const through = await fx.graphql(analyst, { query });
      expect(through.body.data ?? null).toBeNull();
      expect(through.body.errors?.[0]?.message ?? '').toMatch(/Permission denied|searchVector/);
    },
  );
});

describe('§22.4 duplicates naming an id', () => {
  /** An answer with a record id replaced, so two answers about two ids can be compared. */
  function shape(answer: Answer, id: string): unknown {
    return {
      status: answer.status,
      body: JSON.parse(answer.text.split(id).join('<id>')) as unknown,
    };
  }

  it('answer an id out of reach exactly as a missing one, over GraphQL', async () => {
    const rep = fx.member('sales-rep', 'junior');
    const token = fx.tokenOf(rep.id);
    const hidden = idOf(split(fx, rep.id, 'company').outside[0] as Record<string, unknown>);
    const missing = randomUUID();
    const ask = (id: string) =>
      fx.graphql(token, {
        query: 'query($ids: [UUID!]) { companyDuplicates(ids: $ids) { edges { node { id } } } }',
        variables: { ids: [id] },
      });
    // The sandbox does not serve duplicates, so no direct control: both answers are the gateway's.
    const through = await ask(hidden);
    expect(through.body.errors?.[0]?.message).toContain('not found or is outside');
    expect(shape(through, hidden)).toEqual(shape(await ask(missing), missing));
  });
});

describe('§22.5 an answer holding only a page’s info', () => {
  it('counts towards the export limit: its cursors and hasNextPage tell which records match', async () => {
    let refused = false;
    let after: string | null = null;
    let served = 0;
    for (let index = 0; index < 3 * LIMIT && !refused; index++) {
      const answer: Answer = await fx.graphql(analyst, {
        query:
          'query($after: String) { companies(first: 1, after: $after, orderBy: [{ name: AscNullsFirst }]) { pageInfo { endCursor hasNextPage } } }',
        variables: { after },
      });
      refused = answer.text.includes('STEP_UP_REQUIRED');
      const page = answer.body.data?.companies as { pageInfo: { endCursor: string } } | undefined;
      if (page) {
        served++;
        after = page.pageInfo.endCursor;
      }
    }
    expect(refused).toBe(true);
    expect(served).toBeLessThanOrEqual(LIMIT);
  });

  it('counts a filter’s yes-or-no answer as a count would be counted', async () => {
    let refused = false;
    let served = 0;
    for (let index = 0; index < 3 * LIMIT && !refused; index++) {
      const answer = await fx.graphql(analyst, {
        query: `{ companies(first: 1, filter: { name: { like: "${String.fromCharCode(65 + (index % 26))}%" } }) { pageInfo { startCursor } } }`,
      });
      refused = answer.text.includes('STEP_UP_REQUIRED');
      if (answer.body.data?.companies) served++;
    }
    expect(refused).toBe(true);
    expect(served).toBeLessThanOrEqual(LIMIT);
  });
});

/** A junior sales rep who owns companies, with one of theirs and one they cannot see. */
function rep() {
  const member = owningJunior(fx);
  const first = (rows: readonly Record<string, unknown>[]) =>
    idOf(rows[0] as Record<string, unknown>);
  return {
    token: member.token,
    own: first(split(fx, member.id, 'company', 'update').inside),
    hidden: first(split(fx, member.id, 'company').outside),
    missing: randomUUID(),
  };
}

describe('§22.6 an id out of reach and a missing id', () => {
  function shape(answer: Answer, id: string): unknown {
    return { status: answer.status, text: answer.text.split(id).join('<id>') };
  }

  it.each([
    ['PATCH', { name: 'Renamed' }, ''],
    ['PUT', { name: 'Renamed' }, '?depth=1'],
    ['DELETE', undefined, '?soft_delete=true'],
    ['DELETE', undefined, ''],
  ] as const)('are answered alike by REST %s %s', async (method, body, query) => {
    const { token, hidden, missing } = rep();
    const before = JSON.stringify(fx.records('company'));
    const out = await fx.rest(token, method, `/rest/companies/${hidden}${query}`, body);
    const none = await fx.rest(token, method, `/rest/companies/${missing}${query}`, body);
    expect(out.status).toBeGreaterThanOrEqual(400);
    expect(shape(out, hidden)).toEqual(shape(none, missing));
    expect(JSON.stringify(fx.records('company'))).toBe(before);
  });

  it.each([
    'mutation($ids: [UUID!]!) { mergeCompanies(ids: $ids, conflictPriorityIndex: 0) { id } }',
    'mutation($ids: [UUID!]!) { restoreCompanies(filter: { id: { in: $ids } }) { id } }',
  ])('are answered alike by %s', async (query) => {
    const { token, own, hidden, missing } = rep();
    const out = await fx.graphql(token, { query, variables: { ids: [own, hidden] } });
    const none = await fx.graphql(token, { query, variables: { ids: [own, missing] } });
    expect(shape(out, hidden)).toEqual(shape(none, missing));
  });
});

describe('§22.7 one record written twice under two response keys', () => {
  it('is refused whether the id is inline or in a variable, and changes nothing', async () => {
    const { token, own } = rep();
    const before = JSON.stringify(fx.records('company'));
    const answer = await fx.graphql(token, {
      query: `mutation($id: UUID!) { a: updateCompany(id: $id, data: { name: "First" }) { id } b: updateCompany(id: "${own}", data: { name: "Second" }) { id } }`,
      variables: { id: own },
    });
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.message).toContain('twice');
    expect(JSON.stringify(fx.records('company'))).toBe(before);
  });
});
