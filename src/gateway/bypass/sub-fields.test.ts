/**
 * Rules on composite sub-fields (`annualRecurringRevenue.amountMicros: hidden`,
 * `phones.primaryPhoneNumber: { mask: last4 }`, `amount.currencyCode: read` under an editable
 * `amount`) hold wherever the sub-field's value could be read or written: answers, aggregates,
 * group-bys, filters, orderings, GraphQL and REST writes. Each read is compared with the same
 * request sent to the host directly, which does answer with the values; each refused write is
 * shown to change nothing in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoPolicyWith,
  gatewayFixture,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import {
  arrAmounts,
  expectHostShows,
  expectNoLeak,
  expectPermissionDenied,
  expectRefusedWhereHostAnswers,
  idOf,
  leaked,
  phoneNumbers,
  type Row,
} from './bypass.test-support.js';

const ALL = { junior: 'all' };
/** The analyst role, with sub-field rules on three objects. */
const POLICY = demoPolicyWith({
  analyst: {
    company: {
      read: ALL,
      fields: {
        default: { junior: 'read' },
        'annualRecurringRevenue.amountMicros': { junior: 'hidden' },
      },
    },
    opportunity: {
      read: ALL,
      update: ALL,
      fields: { default: { junior: 'edit' }, 'amount.currencyCode': { junior: 'read' } },
    },
    person: {
      read: ALL,
      create: { junior: true },
      update: ALL,
      fields: {
        default: { junior: 'edit' },
        'phones.primaryPhoneNumber': { junior: { mask: 'last4' } },
      },
    },
  },
});

let fx: GatewayFixture;
let token: string;
beforeAll(async () => {
  fx = await gatewayFixture({ policy: POLICY });
  token = fx.tokenOf(fx.member('analyst', 'intermediate').id);
}, 60_000);
afterAll(async () => fx.close());

const amounts = () => arrAmounts(fx.records('company'));
const phones = () => phoneNumbers(fx.records('person'));

/** The gateway's answer hides the values; the host asked directly shows them. */
async function expectWithheld(query: string, values: readonly string[]): Promise<void> {
  const through = await fx.graphql(token, { query });
  expect(through.body.errors).toBeUndefined();
  expectNoLeak(through, values);
  expectHostShows(await fx.graphql(token, { query }, true), values);
}

describe('§23.1 a sub-field rule holds in answers', () => {
  it.each([
    '{ companies(first: 100) { edges { node { id annualRecurringRevenue { amountMicros currencyCode } } } } }',
    '{ companies(first: 100) { edges { node { id arr: annualRecurringRevenue { m: amountMicros } } } } }',
    'query { companies(first: 100) { edges { node { ...C } } } } fragment C on Company { annualRecurringRevenue { currencyCode ... on Currency { amountMicros } } }',
  ])('withholds a hidden amountMicros: %s', async (query) => {
    await expectWithheld(query, amounts());
  });

  it('still answers the readable currencyCode beside the hidden amountMicros', async () => {
    const query =
      '{ companies(first: 100) { edges { node { annualRecurringRevenue { amountMicros currencyCode } } } } }';
    const through = await fx.graphql(token, { query });
    const codes = JSON.stringify(through.body.data);
    expect(codes).toMatch(/"currencyCode":"[A-Z]{3}"/);
    expect(codes).not.toMatch(/"amountMicros":\d/);
  });

  it('masks a masked primaryPhoneNumber, in GraphQL and REST', async () => {
    await expectWithheld(
      '{ people(first: 200) { edges { node { id phones { primaryPhoneNumber primaryPhoneCountryCode } } } } }',
      phones(),
    );
    const rest = await fx.rest(token, 'GET', '/rest/people?limit=200');
    expect(rest.status).toBe(200);
    expectNoLeak(rest, phones());
    const direct = await fx.rest(token, 'GET', '/rest/people?limit=200', undefined, true);
    expect(leaked(direct.text, phones()).length).toBeGreaterThan(0);
  });

  it('leaves a hidden amountMicros out of REST lists and single records', async () => {
    const rich = fx.records('company').find((c) => arrAmounts([c]).length > 0) as Row;
    for (const path of ['/rest/companies?limit=200', `/rest/companies/${idOf(rich)}`]) {
      const through = await fx.rest(token, 'GET', path);
      expect(through.status).toBe(200);
      expectNoLeak(through, amounts());
      const direct = await fx.rest(token, 'GET', path, undefined, true);
      expect(direct.text).toContain(arrAmounts([rich])[0]);
    }
  });
});

describe('§23.2 aggregates read the sub-fields they are computed from', () => {
  it.each([
    'sumAnnualRecurringRevenueAmountMicros',
    'avgAnnualRecurringRevenueAmountMicros',
    'minAnnualRecurringRevenueAmountMicros',
    'maxAnnualRecurringRevenueAmountMicros',
    'countUniqueValuesAnnualRecurringRevenue',
    'countEmptyAnnualRecurringRevenue',
    'percentageEmptyAnnualRecurringRevenue',
    'percentageNotEmptyAnnualRecurringRevenue',
  ])('refuses %s over a hidden amountMicros', async (aggregate) => {
    await expectRefusedWhereHostAnswers(fx, token, `{ companies { ${aggregate} } }`);
  });

  it.each([
    '{ people { countUniqueValuesPhones } }',
    '{ companies(first: 1) { edges { node { people { countNotEmptyPhones } } } } }',
    '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }]) { groupByDimensionValues maxAnnualRecurringRevenueAmountMicros } }',
    '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }], orderBy: [{ aggregate: { avgAnnualRecurringRevenueAmountMicros: DescNullsLast } }]) { groupByDimensionValues } }',
  ])(
    'refuses an aggregate of a masked or hidden sub-field, nested or grouped: %s',
    async (query) => {
      await expectRefusedWhereHostAnswers(fx, token, query);
    },
  );

  it('still answers an aggregate of a readable field', async () => {
    const through = await fx.graphql(token, {
      query: '{ companies { totalCount countEmptyName } }',
    });
    expect(through.body.errors).toBeUndefined();
  });
});

describe('§23.3 group-bys, filters and orderings on a sub-field the member cannot read', () => {
  it.each([
    '{ companiesGroupBy(groupBy: [{ annualRecurringRevenue: { amountMicros: true } }]) { groupByDimensionValues totalCount } }',
    '{ companiesGroupBy(groupBy: [{ annualRecurringRevenue: { currencyCode: true, amountMicros: true } }]) { groupByDimensionValues } }',
    '{ peopleGroupBy(groupBy: [{ phones: { primaryPhoneNumber: true } }]) { groupByDimensionValues } }',
    '{ companies(filter: { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { totalCount } }',
    '{ companies(filter: { or: [{ name: { like: "%" } }, { not: { annualRecurringRevenue: { amountMicros: { lt: 1 } } } }] }) { totalCount } }',
    '{ people(filter: { phones: { primaryPhoneNumber: { like: "%1%" } } }) { totalCount } }',
    '{ companies(orderBy: [{ annualRecurringRevenue: { amountMicros: AscNullsFirst } }]) { edges { node { id } } } }',
    '{ companies(orderBy: [{ name: AscNullsFirst }, { annualRecurringRevenue: { currencyCode: AscNullsFirst, amountMicros: DescNullsLast } }]) { edges { node { id } } } }',
    '{ companies(first: 1) { edges { node { people(orderBy: [{ phones: { primaryPhoneNumber: AscNullsFirst } }]) { edges { node { id } } } } } } }',
  ])('refuses %s', async (query) => {
    await expectRefusedWhereHostAnswers(fx, token, query);
  });

  it.each([
    '/rest/companies?order_by=annualRecurringRevenue.amountMicros[AscNullsFirst]',
    '/rest/companies?order_by=annualRecurringRevenue[AscNullsFirst]',
    '/rest/companies?filter=annualRecurringRevenue.amountMicros[gt]:0',
    '/rest/people?filter=phones.primaryPhoneNumber[like]:"%1%"',
  ])('refuses REST %s', async (path) => {
    const through = await fx.rest(token, 'GET', path);
    // A permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
    expect(through.status).toBe(400);
    expectNoLeak(through, amounts());
  });
});

describe('§23.4 writes to a sub-field the member may not edit', () => {
  const snapshot = (object: string) => JSON.stringify(fx.records(object));
  const opportunity = () => fx.records('opportunity')[0] as Row;
  const person = () => fx.records('person')[0] as Row;

  it.each([
    [
      'updateOpportunity',
      (id: string) =>
        `mutation { updateOpportunity(id: "${id}", data: { amount: { currencyCode: "EUR" } }) { id } }`,
    ],
    [
      'updateOpportunities',
      (id: string) =>
        `mutation { updateOpportunities(filter: { id: { eq: "${id}" } }, data: { amount: { amountMicros: 5000000, currencyCode: "EUR" } }) { id } }`,
    ],
    [
      'updateOpportunity with the whole composite nulled',
      (id: string) => `mutation { updateOpportunity(id: "${id}", data: { amount: null }) { id } }`,
    ],
  ])('refuses %s setting a read-only currencyCode, and stores nothing', async (_name, make) => {
    const before = snapshot('opportunity');
    const through = await fx.graphql(token, { query: make(idOf(opportunity())) });
    expectPermissionDenied(through);
    expect(through.body.errors?.[0]?.message).toContain('opportunity.amount.currencyCode');
    expect(snapshot('opportunity')).toBe(before);
  });

  it('refuses a masked primaryPhoneNumber on create, upsert and update, and stores nothing', async () => {
    const before = snapshot('person');
    const phone = { primaryPhoneNumber: '5550009999' };
    const name = { firstName: 'Sub', lastName: 'Field' };
    const writes = [
      {
        query: 'mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }',
        d: { name, phones: phone },
      },
      {
        query:
          'mutation($d: [PersonCreateInput!]!) { createPeople(data: $d, upsert: true) { id } }',
        d: [{ id: idOf(person()), phones: phone }],
      },
      {
        query: `mutation($d: PersonUpdateInput!) { updatePerson(id: "${idOf(person())}", data: $d) { id } }`,
        d: { phones: phone },
      },
    ];
    for (const { query, d } of writes) {
      const through = await fx.graphql(token, { query, variables: { d } });
      expectPermissionDenied(through);
      expect(through.body.errors?.[0]?.message).toContain('person.phones.primaryPhoneNumber');
    }
    expect(snapshot('person')).toBe(before);
  });

  it('refuses the same writes through REST, and stores nothing', async () => {
    const before = snapshot('opportunity') + snapshot('person');
    const writes: [string, string, unknown][] = [
      ['PATCH', `/rest/opportunities/${idOf(opportunity())}`, { amount: { currencyCode: 'EUR' } }],
      [
        'POST',
        '/rest/people',
        { name: { firstName: 'Sub' }, phones: { primaryPhoneNumber: '5550009999' } },
      ],
      ['POST', '/rest/batch/people', [{ phones: { primaryPhoneNumber: '5550009999' } }]],
      ['PATCH', `/rest/people/${idOf(person())}`, { phones: { primaryPhoneNumber: '5550009999' } }],
    ];
    for (const [method, path, body] of writes) {
      const through = await fx.rest(token, method, path, body);
      expect(through.status).toBe(400);
    }
    expect(snapshot('opportunity') + snapshot('person')).toBe(before);
  });

  it('still lets the member set the editable sub-field and fields beside it', async () => {
    const id = idOf(opportunity());
    const through = await fx.graphql(token, {
      query: `mutation { updateOpportunity(id: "${id}", data: { name: "Renamed by sub-field test", amount: { amountMicros: 7000000 } }) { id } }`,
    });
    expect(through.body.errors).toBeUndefined();
    const stored = fx.records('opportunity').find((o) => idOf(o) === id) as Row;
    expect((stored.amount as { amountMicros: unknown }).amountMicros).toBe(7000000);
  });
});
