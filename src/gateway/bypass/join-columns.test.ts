/**
 * A rule on a join column (`pointOfContactId: hidden` on opportunity, `companyId: hidden` on
 * person) holds on its own, and also over the relation it stands for (`pointOfContact { id }`)
 * and the inverse one-to-many on the other object (person `pointOfContactForOpportunities`,
 * company `people`), which list the same links from the other side. The stricter of a relation's
 * and its join column's rules wins. Each answer is compared with the same request sent to the
 * host directly, which does carry the ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoPolicyWith,
  gatewayFixture,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import {
  expectHostShows,
  expectNoLeak,
  expectPermissionDenied,
  idOf,
  leaked,
  type Row,
} from './bypass.test-support.js';

const READ_ALL = { read: { intern: 'all' }, fields: { default: { intern: 'read' } } };
const POLICY = demoPolicyWith({
  // The join columns' own rules hide them; their relations are readable by default.
  analyst: {
    company: READ_ALL,
    opportunity: {
      ...READ_ALL,
      fields: { default: { intern: 'read' }, pointOfContactId: { intern: 'hidden' } },
    },
    person: {
      ...READ_ALL,
      fields: { default: { intern: 'read' }, companyId: { intern: 'hidden' } },
    },
  },
  // The relation's rule hides it, while the join column's says read: the stricter wins.
  support: {
    company: READ_ALL,
    person: {
      ...READ_ALL,
      fields: {
        default: { intern: 'read' },
        company: { intern: 'hidden' },
        companyId: { intern: 'read' },
      },
    },
  },
});

let fx: GatewayFixture;
let analyst: string;
let support: string;
beforeAll(async () => {
  fx = await gatewayFixture({ policy: POLICY });
  analyst = fx.tokenOf(fx.member('analyst', 'intermediate').id);
  support = fx.tokenOf(fx.member('support', 'junior').id);
}, 60_000);
afterAll(async () => fx.close());

/** The distinct non-null values of a join column over an object's records. */
function joined(object: string, column: string): string[] {
  const values = fx.records(object).map((r) => r[column]);
  return [...new Set(values.filter((v): v is string => typeof v === 'string'))];
}
/** Opportunities that have a point of contact, and people who work at a company. */
const linkedOpportunities = () =>
  fx
    .records('opportunity')
    .filter((o) => typeof o.pointOfContactId === 'string')
    .map(idOf);
const employedPeople = () =>
  fx
    .records('person')
    .filter((p) => typeof p.companyId === 'string')
    .map(idOf);

async function expectWithheld(token: string, query: string, ids: readonly string[]) {
  const through = await fx.graphql(token, { query });
  expect(through.body.errors).toBeUndefined();
  expectNoLeak(through, ids);
  expectHostShows(await fx.graphql(token, { query }, true), ids);
}

async function expectRestWithheld(token: string, path: string, ids: readonly string[]) {
  const through = await fx.rest(token, 'GET', path);
  expect(through.status).toBe(200);
  expectNoLeak(through, ids);
  const direct = await fx.rest(token, 'GET', path, undefined, true);
  expect(leaked(direct.text, ids).length).toBeGreaterThan(0);
}

describe('§17.1 a hidden join column, its relation and the inverse list, in GraphQL', () => {
  it.each([
    '{ opportunities(first: 200) { edges { node { id pointOfContactId } } } }',
    '{ opportunities(first: 200) { edges { node { id pointOfContact { id } } } } }',
    '{ opportunities(first: 200) { edges { node { ...O } } } } fragment O on Opportunity { c: pointOfContact { id name { firstName } } p: pointOfContactId }',
  ])('withholds the point of contact: %s', async (query) => {
    await expectWithheld(analyst, query, joined('opportunity', 'pointOfContactId'));
  });

  it('withholds the opportunities a person is point of contact for', async () => {
    await expectWithheld(
      analyst,
      '{ people(first: 200) { edges { node { id pointOfContactForOpportunities { edges { node { id } } } } } } }',
      linkedOpportunities(),
    );
  });

  it.each([
    '{ people(first: 200) { edges { node { id companyId } } } }',
    '{ people(first: 200) { edges { node { id company { id name } } } } }',
  ])("withholds a person's company: %s", async (query) => {
    await expectWithheld(analyst, query, joined('person', 'companyId'));
  });

  it('answers null for the people of a company, filtered by the hidden column or not', async () => {
    const query = `{ companies(first: 100) { edges { node { id people(filter: { companyId: { is: NOT_NULL } }) { totalCount edges { node { id } } } } } } }`;
    const through = await fx.graphql(analyst, { query });
    expect(through.body.errors).toBeUndefined();
    const edges = (through.body.data?.companies as { edges: { node: Row }[] }).edges;
    expect(edges.every((e) => e.node.people === null)).toBe(true);
    expectNoLeak(through, employedPeople());
    expectHostShows(await fx.graphql(analyst, { query }, true), employedPeople());
  });

  it('withholds the people of a company', async () => {
    await expectWithheld(
      analyst,
      '{ companies(first: 100) { edges { node { id people { edges { node { id } } } } } } }',
      employedPeople(),
    );
  });

  it('withholds a person’s company when the relation is hidden and the join column readable', async () => {
    for (const query of [
      '{ people(first: 200) { edges { node { id companyId } } } }',
      '{ people(first: 200) { edges { node { id company { id } } } } }',
    ])
      await expectWithheld(support, query, joined('person', 'companyId'));
  });
});

describe('§17.2 a hidden join column cannot be filtered, ordered or grouped by', () => {
  const contact = () => joined('opportunity', 'pointOfContactId')[0] as string;
  const company = () => joined('person', 'companyId')[0] as string;

  it.each([
    (c: string) => `{ opportunities(filter: { pointOfContactId: { eq: "${c}" } }) { totalCount } }`,
    (c: string) =>
      `{ opportunities(filter: { or: [{ name: { like: "%" } }, { not: { pointOfContactId: { in: ["${c}"] } } }] }) { totalCount } }`,
    () => '{ opportunities(filter: { pointOfContactId: { is: NULL } }) { totalCount } }',
    () =>
      '{ opportunities(orderBy: [{ pointOfContactId: AscNullsFirst }]) { edges { node { id } } } }',
    () =>
      '{ opportunitiesGroupBy(groupBy: [{ pointOfContactId: true }]) { groupByDimensionValues } }',
    (_c: string, p: string) => `{ people(filter: { companyId: { eq: "${p}" } }) { totalCount } }`,
    () => '{ peopleGroupBy(groupBy: [{ companyId: true }]) { groupByDimensionValues totalCount } }',
    (c: string) =>
      `{ companies(first: 5) { edges { node { id opportunities(filter: { pointOfContactId: { neq: "${c}" } }) { totalCount } } } } }`,
  ])('refuses the analyst variant %#', async (make) => {
    const query = make(contact(), company());
    expectPermissionDenied(await fx.graphql(analyst, { query }));
    expect((await fx.graphql(analyst, { query }, true)).body.errors).toBeUndefined();
  });

  it('refuses filtering, ordering and grouping by a readable join column whose relation is hidden', async () => {
    for (const query of [
      `{ people(filter: { companyId: { eq: "${company()}" } }) { totalCount } }`,
      '{ people(orderBy: [{ companyId: AscNullsFirst }]) { edges { node { id } } } }',
      '{ peopleGroupBy(groupBy: [{ companyId: true }]) { groupByDimensionValues } }',
    ]) {
      expectPermissionDenied(await fx.graphql(support, { query }));
      expect((await fx.graphql(support, { query }, true)).body.errors).toBeUndefined();
    }
  });

  it.each([
    ['analyst', '/rest/opportunities?filter=pointOfContactId[is]:NOT_NULL'],
    ['analyst', '/rest/opportunities?order_by=pointOfContactId[AscNullsFirst]'],
    ['analyst', '/rest/people?filter=companyId[is]:NOT_NULL'],
    ['support', '/rest/people?filter=companyId[is]:NOT_NULL'],
    ['support', '/rest/people?order_by=companyId[DescNullsLast]'],
  ])('refuses REST for the %s: %s', async (who, path) => {
    const token = who === 'analyst' ? analyst : support;
    // A permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
    expect((await fx.rest(token, 'GET', path)).status).toBe(400);
    expect((await fx.rest(token, 'GET', path, undefined, true)).status).toBe(200);
  });
});

describe('§17.3 a hidden join column, its relation and the inverse list, in REST', () => {
  it('leaves pointOfContactId out of lists and single records, nested included', async () => {
    const ids = joined('opportunity', 'pointOfContactId');
    const linked = fx
      .records('opportunity')
      .find((o) => typeof o.pointOfContactId === 'string') as Row;
    await expectRestWithheld(analyst, '/rest/opportunities?limit=200', ids);
    await expectRestWithheld(analyst, '/rest/opportunities?limit=200&depth=1', ids);
    await expectRestWithheld(analyst, `/rest/opportunities/${idOf(linked)}?depth=1`, [
      linked.pointOfContactId as string,
    ]);
  });

  it('leaves out the opportunities a person is point of contact for', async () => {
    await expectRestWithheld(analyst, '/rest/people?limit=200&depth=1', linkedOpportunities());
  });

  it("leaves out a person's company and a company's people, for both rule shapes", async () => {
    const companies = joined('person', 'companyId');
    for (const token of [analyst, support]) {
      await expectRestWithheld(token, '/rest/people?limit=200', companies);
      await expectRestWithheld(token, '/rest/people?limit=200&depth=1', companies);
    }
    await expectRestWithheld(analyst, '/rest/companies?limit=100&depth=1', employedPeople());
  });
});
