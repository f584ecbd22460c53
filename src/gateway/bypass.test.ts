/**
 * The bypass suite (RELIABILITY.md §4-5): each known way around record scopes, hidden and
 * masked fields, tried with the seeded members' own tokens through the gateway. Every test
 * searches the raw response text for the values the member must not get (taken from the
 * sandbox's records and the policy engine, never hard-coded), and asks the host directly
 * for the same thing, which does answer with them: so each test can fail.
 *
 * Sections are numbered once across the suite: §1–§12 here, §13–§25 in src/gateway/bypass/
 * (one number per file, in name order; §N.k for its k-th group). Writes and the batching limit
 * run against their own fixtures there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrAmounts,
  distinctNames,
  expectHostShows,
  expectNoLeak,
  expectPermissionDenied,
  idOf,
  nodes,
  phoneNumbers,
  split,
  who,
  type Row,
} from './bypass/bypass.test-support.js';
import { gatewayFixture, type GatewayFixture } from './testing/gateway.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

/** A junior sales rep: companies and people of the team, phones masked, ARR hidden. */
const junior = () => who(fx, 'sales-rep', 'junior');
/** An intern sales rep: own records only, phones hidden, ARR hidden. */
const intern = () => who(fx, 'sales-rep', 'intern');
/** A support intern: every company and person, ARR hidden, phones masked last4. */
const supportIntern = () => who(fx, 'support', 'intern');
/** Someone who may read every company, for the host's own answer (rls is off anyway). */
function director() {
  return fx.tokenOf(fx.member('sales-manager', 'director').id);
}

function companyScope(member: string) {
  const { inside, outside } = split(fx, member, 'company');
  return {
    inside,
    outside,
    outsideIds: outside.map(idOf),
    outsideNames: distinctNames(outside, inside),
  };
}

describe('§1 a record by id outside the scope (IDOR)', () => {
  it('answers a junior rep null for a company of another team, without its id or name', async () => {
    const rep = junior();
    const { outside, inside } = companyScope(rep.id);
    const target = outside.find((c) => distinctNames([c], inside).length === 1) as Row;
    const query = { query: `{ company(filter: { id: { eq: "${idOf(target)}" } }) { id name } }` };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.data?.company ?? null).toBeNull();
    expectNoLeak(through, [idOf(target), String(target.name)]);
    expectHostShows(await fx.graphql(director(), query, true), [String(target.name)]);
  });

  it('answers a list of out-of-scope ids with no record of them', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const query = {
      query: `query($ids: [UUID!]) { companies(filter: { id: { in: $ids } }, first: 200) { totalCount edges { node { id name } } } }`,
      variables: { ids: outsideIds },
    };
    const through = await fx.graphql(rep.token, query);
    expect(nodes(through.body.data, 'companies')).toEqual([]);
    expect((through.body.data?.companies as { totalCount: number }).totalCount).toBe(0);
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
    expectHostShows(await fx.graphql(director(), query, true), outsideNames);
  });
});

describe('§2 a forbidden record reached through a relation', () => {
  it('answers a many-to-one company outside the scope as null on a person in scope', async () => {
    const rep = intern();
    const { outside, inside } = companyScope(rep.id);
    const people = split(fx, rep.id, 'person').inside;
    const outsideIds = new Set(outside.map(idOf));
    const reached = outside.filter((c) => people.some((p) => p.companyId === c.id));
    // The attack has something to reach: people in scope whose company is not.
    expect(people.filter((p) => outsideIds.has(p.companyId as string)).length).toBeGreaterThan(0);
    const query = {
      query: '{ people(first: 200) { edges { node { id company { id name } } } } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    const restricted = [...reached.map(idOf), ...distinctNames(reached, inside)];
    expectNoLeak(through, restricted);
    expectHostShows(await fx.graphql(director(), query, true), restricted);
  });

  it('answers opportunity.company outside the scope as null', async () => {
    // The first member of the org who reads opportunities whose company they may not read.
    const reachedBy = (member: string): Row[] => {
      const { outside } = split(fx, member, 'company');
      const opportunities = split(fx, member, 'opportunity').inside;
      return outside.filter((c) => opportunities.some((o) => o.companyId === c.id));
    };
    const member = fx.policy.org.members.find((m) => reachedBy(m.id).length > 0);
    expect(member).toBeDefined();
    const id = (member as { id: string }).id;
    const reached = reachedBy(id);
    const inside = split(fx, id, 'company').inside;
    const query = {
      query: '{ opportunities(first: 200) { edges { node { id company { id name } } } } }',
    };
    const through = await fx.graphql(fx.tokenOf(id), query);
    expect(through.body.errors).toBeUndefined();
    const restricted = [...reached.map(idOf), ...distinctNames(reached, inside)];
    expectNoLeak(through, restricted);
    expectHostShows(await fx.graphql(director(), query, true), restricted);
  });

  it('leaves out of a one-to-many connection (company.people) the people outside the scope', async () => {
    const rep = junior();
    const companies = split(fx, rep.id, 'company').inside;
    const people = split(fx, rep.id, 'person').outside;
    const companyIds = new Set(companies.map(idOf));
    const reached = people.filter((p) => companyIds.has(p.companyId as string));
    expect(reached.length).toBeGreaterThan(0);
    const query = {
      query:
        '{ companies(first: 200) { edges { node { id people { totalCount edges { node { id } } } } } } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, reached.map(idOf));
    expectHostShows(await fx.graphql(director(), query, true), reached.map(idOf));
  });

  it('leaves out the opportunities outside the scope on company.opportunities', async () => {
    const rep = junior();
    const companyIds = new Set(split(fx, rep.id, 'company').inside.map(idOf));
    const { inside, outside } = split(fx, rep.id, 'opportunity');
    const reached = outside.filter((o) => companyIds.has(o.companyId as string));
    const query = {
      query:
        '{ companies(first: 200) { edges { node { id opportunities { edges { node { id } } } } } } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    const returned = nodes(through.body.data, 'companies').flatMap((c) =>
      nodes(c, 'opportunities').map(idOf),
    );
    const allowed = new Set(inside.map(idOf));
    expect(returned.filter((id) => !allowed.has(id))).toEqual([]);
    expectNoLeak(through, reached.map(idOf));
    expectHostShows(await fx.graphql(rep.token, query, true), reached.map(idOf));
  });
});

describe('§3 the same hidden or masked field under many aliases', () => {
  it('answers every alias of phones null to an intern rep, for whom phones are hidden', async () => {
    const rep = intern();
    const people = split(fx, rep.id, 'person').inside;
    const query = {
      query: `{ people(first: 200) { edges { node { id
        phones { primaryPhoneNumber }
        a: phones { primaryPhoneNumber }
        b: phones { n: primaryPhoneNumber m: primaryPhoneCallingCode }
        c: phones { additionalPhones primaryPhoneCountryCode }
        d: phones { __typename primaryPhoneNumber }
      } } } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    const answered = nodes(through.body.data, 'people');
    expect(answered.length).toBe(people.length);
    for (const node of answered)
      for (const key of ['phones', 'a', 'b', 'c', 'd']) expect(node[key]).toBeNull();
    expect(through.text).not.toContain('••••');
    const everyPhone = phoneNumbers(fx.records('person'));
    expectNoLeak(through, everyPhone);
    expectHostShows(await fx.graphql(rep.token, query, true), everyPhone);
  });

  it('masks every alias of phones to last4 for a junior rep', async () => {
    const rep = junior();
    const people = split(fx, rep.id, 'person').inside;
    const numbers = phoneNumbers(people);
    const query = {
      query: `{ people(first: 200) { edges { node { id
        p1: phones { primaryPhoneNumber }
        p2: phones { x: primaryPhoneNumber }
        p3: phones { primaryPhoneNumber additionalPhones }
        p4: phones { y: primaryPhoneNumber z: primaryPhoneNumber }
      } } } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, numbers);
    // The masked form is there: the last four digits only.
    expect(through.text).toContain(`••••${(numbers[0] ?? '').slice(-4)}`);
    expectHostShows(await fx.graphql(rep.token, query, true), numbers);
  });

  it('does not unmask a field aliased as __typename', async () => {
    const support = supportIntern();
    const numbers = phoneNumbers(fx.records('person'));
    const amounts = arrAmounts(fx.records('company'));
    const query = {
      query: `{ people(first: 200) { edges { node { id phones { __typename: primaryPhoneNumber } } } }
        companies(first: 200) { edges { node { id __typename: annualRecurringRevenue { amountMicros } } } } }`,
    };
    const through = await fx.graphql(support.token, query);
    expectNoLeak(through, [...numbers, ...amounts]);
    expectHostShows(await fx.graphql(support.token, query, true), [...numbers, ...amounts]);
  });
});

describe('§4 a hidden field inside fragments', () => {
  it('answers annualRecurringRevenue null inside a named and an inline fragment', async () => {
    const support = supportIntern();
    const amounts = arrAmounts(fx.records('company'));
    const query = {
      query: `query { companies(first: 200) { edges { node { ...F ... on Company { arr2: annualRecurringRevenue { amountMicros } } ... { annualRecurringRevenue { currencyCode amountMicros } } } } } }
        fragment F on Company { id name annualRecurringRevenue { amountMicros } ...G }
        fragment G on Company { g: annualRecurringRevenue { amountMicros } }`,
    };
    const through = await fx.graphql(support.token, query);
    expect(through.body.errors).toBeUndefined();
    const answered = nodes(through.body.data, 'companies');
    expect(answered.length).toBe(fx.records('company').length);
    for (const node of answered) {
      expect(node.annualRecurringRevenue).toBeNull();
      expect(node.arr2).toBeNull();
      expect(node.g).toBeNull();
    }
    expectNoLeak(through, amounts);
    expectHostShows(await fx.graphql(support.token, query, true), amounts);
  });

  it('scopes a root field spread from a fragment on Query', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const query = {
      query: `query { ...Q } fragment Q on Query { companies(first: 200) { edges { node { id name } } } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
    expectHostShows(await fx.graphql(rep.token, query, true), outsideNames);
  });

  it('strips the hidden field and refuses its aggregate inside fragments on the connection types', async () => {
    const support = supportIntern();
    const amounts = arrAmounts(fx.records('company'));
    const records = {
      query: `{ companies(first: 200) { ...C } }
        fragment C on CompanyConnection { edges { ...E } }
        fragment E on CompanyEdge { node { id annualRecurringRevenue { amountMicros } } }`,
    };
    const through = await fx.graphql(support.token, records);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, amounts);
    expectHostShows(await fx.graphql(support.token, records, true), amounts);
    const aggregate = {
      query: `{ companies { ...A } } fragment A on CompanyConnection { ... on CompanyConnection { sumAnnualRecurringRevenueAmountMicros } }`,
    };
    expectPermissionDenied(await fx.graphql(support.token, aggregate));
  });

  it('answers phones null inside a fragment on Person for an intern rep', async () => {
    const rep = intern();
    const everyPhone = phoneNumbers(fx.records('person'));
    const query = {
      query: `{ people(first: 200) { edges { node { ...P ... on Person { q: phones { primaryPhoneNumber } } } } } }
        fragment P on Person { id phones { primaryPhoneNumber additionalPhones } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expect(through.text).not.toContain('••••');
    expectNoLeak(through, everyPhone);
    expectHostShows(await fx.graphql(rep.token, query, true), everyPhone);
  });
});

describe('§5 group by and aggregates on a hidden field (twenty#25911)', () => {
  function sumsByIcp(): string[] {
    const sums = new Map<boolean, number>();
    for (const c of fx.records('company')) {
      const amount = (c.annualRecurringRevenue as { amountMicros: number | null }).amountMicros;
      if (typeof amount !== 'number') continue;
      const key = c.idealCustomerProfile === true;
      sums.set(key, (sums.get(key) ?? 0) + amount);
    }
    return [...sums.values()].map(String).filter((s) => s.length >= 7);
  }

  it('refuses to group by annualRecurringRevenue for a member who cannot read it', async () => {
    const support = supportIntern();
    const amounts = arrAmounts(fx.records('company'));
    const query = {
      query:
        '{ companiesGroupBy(groupBy: [{ annualRecurringRevenue: { amountMicros: true } }]) { groupByDimensionValues totalCount } }',
    };
    const through = await fx.graphql(support.token, query);
    expectPermissionDenied(through);
    expectNoLeak(through, amounts);
    expectHostShows(await fx.graphql(support.token, query, true), amounts);
  });

  it('refuses an ARR sum per group, and the total sum, for a member who cannot read it', async () => {
    const support = supportIntern();
    const perGroup = {
      query:
        '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }]) { groupByDimensionValues sumAnnualRecurringRevenueAmountMicros } }',
    };
    const through = await fx.graphql(support.token, perGroup);
    expectPermissionDenied(through);
    expectNoLeak(through, sumsByIcp());
    expectHostShows(await fx.graphql(support.token, perGroup, true), sumsByIcp());

    const whole = {
      query:
        '{ companies { maxAnnualRecurringRevenueAmountMicros avgAnnualRecurringRevenueAmountMicros countNotEmptyAnnualRecurringRevenue } }',
    };
    const max = String(Math.max(...arrAmounts(fx.records('company')).map(Number)));
    const answer = await fx.graphql(support.token, whole);
    expectPermissionDenied(answer);
    expectNoLeak(answer, [max]);
    expectHostShows(await fx.graphql(support.token, whole, true), [max]);
  });

  it('refuses to order groups or their records by the hidden field', async () => {
    const support = supportIntern();
    for (const query of [
      '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }], orderBy: [{ aggregate: { sumAnnualRecurringRevenueAmountMicros: DescNullsLast } }]) { groupByDimensionValues } }',
      '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }], orderByForRecords: [{ annualRecurringRevenue: { amountMicros: DescNullsLast } }]) { groupByDimensionValues edges { node { id } } } }',
    ]) {
      const through = await fx.graphql(support.token, { query });
      expectPermissionDenied(through);
    }
  });

  it('answers the hidden field null on the records of a group by a readable field', async () => {
    const support = supportIntern();
    const amounts = arrAmounts(fx.records('company'));
    const query = {
      query:
        '{ companiesGroupBy(groupBy: [{ idealCustomerProfile: true }]) { groupByDimensionValues totalCount edges { node { id name annualRecurringRevenue { amountMicros currencyCode } x: annualRecurringRevenue { amountMicros } } } } }',
    };
    const through = await fx.graphql(support.token, query);
    expect(through.body.errors).toBeUndefined();
    const groups = through.body.data?.companiesGroupBy as { edges: { node: Row }[] }[];
    const records = groups.flatMap((g) => g.edges.map((e) => e.node));
    expect(records.length).toBeGreaterThan(0);
    for (const node of records) {
      expect(node.annualRecurringRevenue).toBeNull();
      expect(node.x).toBeNull();
    }
    expectNoLeak(through, amounts);
    expectHostShows(await fx.graphql(support.token, query, true), amounts);
  });

  it('refuses an aggregate of a hidden field on a nested relation connection', async () => {
    const rep = intern();
    const query = {
      query:
        '{ companies(first: 50) { edges { node { id opportunities { sumAmountAmountMicros maxAmountAmountMicros } } } } }',
    };
    expectPermissionDenied(await fx.graphql(rep.token, query));
  });
});

describe('§6 totalCount with a filter on a hidden field (twenty PR #22873)', () => {
  function arrAbove(threshold: number): number {
    return fx
      .records('company')
      .filter(
        (c) =>
          ((c.annualRecurringRevenue as { amountMicros: number | null }).amountMicros ?? -1) >
          threshold,
      ).length;
  }

  it('refuses a count of companies filtered on the hidden ARR', async () => {
    const support = supportIntern();
    const query = {
      query:
        '{ companies(first: 0, filter: { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { totalCount } }',
    };
    const through = await fx.graphql(support.token, query);
    expectPermissionDenied(through);
    expect(through.text).not.toContain('totalCount');
    const direct = await fx.graphql(support.token, query, true);
    expect((direct.body.data?.companies as { totalCount: number }).totalCount).toBe(arrAbove(0));
  });

  it('refuses the filter however it is nested: and, or, not, composite, or a readable field beside it', async () => {
    const support = supportIntern();
    for (const filter of [
      '{ and: [{ name: { like: "%" } }, { annualRecurringRevenue: { amountMicros: { gt: 0 } } }] }',
      '{ or: [{ id: { is: NULL } }, { annualRecurringRevenue: { amountMicros: { gt: 0 } } }] }',
      '{ not: { annualRecurringRevenue: { amountMicros: { lte: 0 } } } }',
      '{ not: { or: [{ and: [{ annualRecurringRevenue: { currencyCode: { eq: "USD" } } }] }] } }',
      '{ annualRecurringRevenue: { amountMicros: { is: NOT_NULL } } }',
    ]) {
      const through = await fx.graphql(support.token, {
        query: `{ companies(first: 0, filter: ${filter}) { totalCount } }`,
      });
      expectPermissionDenied(through);
    }
  });

  it('refuses a filter on a hidden field inside a nested relation connection', async () => {
    const rep = intern();
    const query = {
      query:
        '{ people(first: 50) { edges { node { id company { id people(filter: { phones: { primaryPhoneNumber: { like: "9%" } } }) { totalCount } } } } } }',
    };
    expectPermissionDenied(await fx.graphql(rep.token, query));
    const support = supportIntern();
    const nested = {
      query:
        '{ companies(first: 50) { edges { node { id people(first: 0, filter: { phones: { primaryPhoneNumber: { like: "9%" } } }) { totalCount } } } } }',
    };
    // Masked is not readable: filtering on it would spell the number out digit by digit.
    expectPermissionDenied(await fx.graphql(support.token, nested));
    const direct = await fx.graphql(support.token, nested, true);
    expect(direct.body.errors).toBeUndefined();
  });

  it('refuses ordering by a hidden or a masked field, at the root and nested', async () => {
    const support = supportIntern();
    for (const query of [
      '{ companies(first: 5, orderBy: [{ annualRecurringRevenue: { amountMicros: DescNullsLast } }]) { edges { node { id } } } }',
      '{ people(first: 5, orderBy: [{ phones: { primaryPhoneNumber: AscNullsLast } }]) { edges { node { id } } } }',
      '{ companies(first: 5) { edges { node { id people(orderBy: [{ phones: { primaryPhoneNumber: AscNullsLast } }]) { edges { node { id } } } } } } }',
    ]) {
      expectPermissionDenied(await fx.graphql(support.token, { query }));
    }
  });
});

describe('§7 the same attacks through variables', () => {
  it('scopes a filter given as a variable (IDOR by variable)', async () => {
    const rep = junior();
    const { outside, inside } = companyScope(rep.id);
    const target = outside.find((c) => distinctNames([c], inside).length === 1) as Row;
    const query = {
      query: 'query($f: CompanyFilterInput!) { company(filter: $f) { id name } }',
      variables: { f: { id: { eq: idOf(target) } } },
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.data?.company ?? null).toBeNull();
    expectNoLeak(through, [idOf(target), String(target.name)]);
    expectHostShows(await fx.graphql(rep.token, query, true), [String(target.name)]);
  });

  it('scopes an id given as a variable inside an inline filter', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const query = {
      query:
        'query($id: UUID, $n: String) { companies(filter: { or: [{ id: { eq: $id } }, { name: { like: $n } }] }, first: 200) { edges { node { id name } } } }',
      variables: { id: outsideIds[0], n: '%' },
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
    expectHostShows(await fx.graphql(rep.token, query, true), outsideNames);
  });

  it('refuses a filter on a hidden field given as a variable, and the variable default', async () => {
    const support = supportIntern();
    const viaVariable = {
      query: 'query($f: CompanyFilterInput) { companies(first: 0, filter: $f) { totalCount } }',
      variables: { f: { annualRecurringRevenue: { amountMicros: { gt: 0 } } } },
    };
    expectPermissionDenied(await fx.graphql(support.token, viaVariable));
    const viaDefault = {
      query:
        'query($f: CompanyFilterInput = { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { companies(first: 0, filter: $f) { totalCount } }',
    };
    expectPermissionDenied(await fx.graphql(support.token, viaDefault));
    const inner = {
      query:
        'query($m: BigFloat) { companies(first: 0, filter: { annualRecurringRevenue: { amountMicros: { gt: $m } } }) { totalCount } }',
      variables: { m: 0 },
    };
    expectPermissionDenied(await fx.graphql(support.token, inner));
  });

  it('refuses a group by and an order on a hidden field given as variables', async () => {
    const support = supportIntern();
    const groupBy = {
      query:
        'query($g: [CompanyGroupByInput!]!) { companiesGroupBy(groupBy: $g) { groupByDimensionValues } }',
      variables: { g: [{ annualRecurringRevenue: { amountMicros: true } }] },
    };
    expectPermissionDenied(await fx.graphql(support.token, groupBy));
    const single = {
      ...groupBy,
      variables: { g: { annualRecurringRevenue: { amountMicros: true } } },
    };
    expectPermissionDenied(await fx.graphql(support.token, single));
    const order = {
      query:
        'query($o: [CompanyOrderByInput]) { companies(first: 5, orderBy: $o) { edges { node { id } } } }',
      variables: { o: { annualRecurringRevenue: { amountMicros: 'DescNullsLast' } } },
    };
    expectPermissionDenied(await fx.graphql(support.token, order));
  });
});

describe('§8 other tricks', () => {
  it('refuses introspection', async () => {
    const rep = junior();
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Company") { fields { name } } }',
      '{ companies(first: 1) { edges { node { id } } } __schema { queryType { name } } }',
    ]) {
      const through = await fx.graphql(rep.token, { query });
      expectPermissionDenied(through, 'Introspection');
      expect(through.text).not.toContain('annualRecurringRevenue');
    }
  });

  it('refuses the reserved _tg_ alias prefix, so a client cannot forge the decision fields', async () => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    const query = {
      query: `{ companies(first: 200) { edges { node { id _tg_accountOwnerId: accountOwnerId name } } } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.data ?? null).toBeNull();
    expect(through.body.errors?.[0]?.message).toContain('_tg_');
    expectNoLeak(through, outsideNames);
  });

  it('does not let a client variable named like the gateway’s own replace the scope', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const query = {
      query:
        'query($_tg_v0: CompanyFilterInput) { companies(first: 200, filter: $_tg_v0) { edges { node { id name } } } }',
      variables: { _tg_v0: { id: { in: outsideIds } } },
    };
    const through = await fx.graphql(rep.token, query);
    expectNoLeak(through, [
      ...outsideIds.filter((id) => !query.query.includes(id)),
      ...outsideNames,
    ]);
    expectHostShows(await fx.graphql(rep.token, query, true), outsideNames);
  });

  it('keeps the scope when the JSON filter repeats a key', async () => {
    const rep = junior();
    const { outside, inside } = companyScope(rep.id);
    const target = outside.find((c) => distinctNames([c], inside).length === 1) as Row;
    const own = inside[0] as Row;
    const raw = `{"query":"query($f: CompanyFilterInput!) { companies(first: 200, filter: $f) { edges { node { id name } } } }","variables":{"f":{"id":{"eq":"${idOf(own)}"},"id":{"eq":"${idOf(target)}"}}}}`;
    const post = (url: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${rep.token}` },
        body: raw,
      }).then((r) => r.text());
    const through = await post(fx.gateway.url);
    expect(through).not.toContain(String(target.name));
    expect(await post(fx.host.url)).toContain(String(target.name));
  });

  it('keeps the scope under or-with-id and not filters', async () => {
    const rep = junior();
    const { inside, outsideIds, outsideNames } = companyScope(rep.id);
    for (const filter of [
      `{ or: [{ id: { in: ${JSON.stringify(outsideIds)} } }, { name: { like: "%" } }] }`,
      `{ not: { id: { eq: "${idOf(inside[0] as Row)}" } } }`,
      `{ not: { accountOwnerId: { eq: "${rep.id}" } } }`,
      `{ or: [{ accountOwnerId: { is: NOT_NULL } }, { accountOwnerId: { is: NULL } }] }`,
    ]) {
      const query = {
        query: `{ companies(first: 200, filter: ${filter}) { edges { node { name } } } }`,
      };
      const through = await fx.graphql(rep.token, query);
      expect(through.body.errors).toBeUndefined();
      expectNoLeak(through, outsideNames);
      expectHostShows(await fx.graphql(rep.token, query, true), outsideNames);
    }
  });

  it('gives no out-of-scope record through a crafted cursor', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const cursor = Buffer.from(JSON.stringify({ name: '', id: outsideIds[0] })).toString('base64');
    const query = {
      query: `{ companies(first: 200, after: "${cursor}", orderBy: [{ name: AscNullsFirst }]) { edges { cursor node { id name } } pageInfo { startCursor endCursor } } }`,
    };
    const through = await fx.graphql(rep.token, query);
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
    expectHostShows(await fx.graphql(rep.token, query, true), outsideNames);
  });

  it('decodes no out-of-scope value from the cursors the gateway passes on', async () => {
    const support = supportIntern();
    const query = {
      query:
        '{ people(first: 200, orderBy: [{ name: { firstName: AscNullsFirst } }]) { edges { cursor node { id } } pageInfo { startCursor endCursor } } }',
    };
    const through = await fx.graphql(support.token, query);
    expect(through.body.errors).toBeUndefined();
    const cursors = [...through.text.matchAll(/"(?:cursor|startCursor|endCursor)":"([^"]+)"/g)]
      .map((m) => Buffer.from(m[1] as string, 'base64').toString())
      .join('\n');
    expectNoLeak({ ...through, text: cursors }, phoneNumbers(fx.records('person')));
  });

  it('refuses an object the policy does not govern, directly and through a relation', async () => {
    const rep = junior();
    for (const query of [
      '{ notes(first: 5) { edges { node { id title } } } }',
      '{ companies(first: 5) { edges { node { id timelineActivities { edges { node { id properties } } } } } } }',
    ]) {
      const through = await fx.graphql(rep.token, { query });
      expect(through.body.data ?? null).toBeNull();
      expect(through.body.errors?.length).toBeGreaterThan(0);
    }
  });
});

describe('§9 more fields and surfaces', () => {
  it('masks every alias of emails to the domain for an intern rep, leaving no address whole', async () => {
    const rep = intern();
    const people = split(fx, rep.id, 'person').inside;
    const addresses = people
      .map((p) => (p.emails as { primaryEmail: string }).primaryEmail)
      .filter((e) => e.includes('@'));
    const query = {
      query:
        '{ people(first: 200) { edges { node { id emails { primaryEmail } e: emails { p: primaryEmail additionalEmails } ...on Person { f: emails { primaryEmail } } } } } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, addresses);
    expect(through.text).toContain(`•••@${(addresses[0] ?? '').split('@')[1] ?? ''}`);
    expectHostShows(await fx.graphql(rep.token, query, true), addresses);
  });

  it('answers the hidden opportunity amount null to an intern rep, under aliases and in a mutation-free fragment', async () => {
    const rep = intern();
    const mine = split(fx, rep.id, 'opportunity').inside;
    const amounts = mine
      .map((o) => (o.amount as { amountMicros: number | null } | null)?.amountMicros)
      .filter((a): a is number => typeof a === 'number')
      .map(String)
      .filter((a) => a.length >= 7);
    const query = {
      query:
        '{ opportunities(first: 200) { edges { node { id amount { amountMicros } a: amount { amountMicros currencyCode } ...O } } } } fragment O on Opportunity { b: amount { amountMicros } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expect(nodes(through.body.data, 'opportunities').length).toBe(mine.length);
    expectNoLeak(through, amounts);
    expectHostShows(await fx.graphql(rep.token, query, true), amounts);
  });

  it('refuses more aliases than the limit, so a field cannot be brute-forced through aliases', async () => {
    const rep = junior();
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: name`).join(' ');
    const through = await fx.graphql(rep.token, {
      query: `{ companies(first: 1) { edges { node { ${aliases} } } } }`,
    });
    expect(through.body.data ?? null).toBeNull();
    expect(through.text).toContain('maxAliases');
  });

  it('gives nothing through path variants of /graphql that the gateway routes elsewhere', async () => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    const body = JSON.stringify({
      query: '{ companies(first: 200) { edges { node { id name } } } }',
    });
    for (const path of [
      '/graphql/',
      '/GRAPHQL',
      '/GraphQL',
      '//graphql',
      '/%67raphql',
      '/graphql;x',
      '/./graphql',
      '/a/../graphql',
    ]) {
      const response = await fetch(`${fx.gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${rep.token}` },
        body,
      });
      const text = await response.text();
      expect(
        outsideNames.filter((name) => text.includes(name)),
        path,
      ).toEqual([]);
    }
  });

  it('refuses a token the policy has no member for, such as the workspace’s admin key', async () => {
    const { outsideNames } = companyScope(junior().id);
    const query = { query: '{ companies(first: 200) { edges { node { id name } } } }' };
    const through = await fx.graphql(fx.sandbox.adminKey, query);
    expect(through.status).toBeGreaterThanOrEqual(400);
    expectNoLeak(through, outsideNames);
    expectHostShows(await fx.graphql(fx.sandbox.adminKey, query, true), outsideNames);
  });
});

describe('§10 transports and counts', () => {
  it('refuses GraphQL over GET and over a form content type (CSRF shapes)', async () => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    const query = '{ companies(first: 200) { edges { node { id name } } } }';
    const viaGet = await fetch(`${fx.gateway.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${rep.token}` },
    });
    const viaForm = await fetch(`${fx.gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${rep.token}`,
      },
      body: `query=${encodeURIComponent(query)}`,
    });
    for (const response of [viaGet, viaForm]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      const text = await response.text();
      expect(outsideNames.filter((name) => text.includes(name))).toEqual([]);
    }
  });

  it('enforces the one operation of a batch of one', async () => {
    const rep = junior();
    const { outside, inside } = companyScope(rep.id);
    const target = outside.find((c) => distinctNames([c], inside).length === 1) as Row;
    const batch = [{ query: `{ company(filter: { id: { eq: "${idOf(target)}" } }) { id name } }` }];
    const through = await fx.graphql(rep.token, batch);
    expect(Array.isArray(through.body)).toBe(true);
    expectNoLeak(through, [idOf(target), String(target.name)]);
  });

  it('refuses counting empty or unique values of a hidden or masked field', async () => {
    for (const [member, query] of [
      [intern(), '{ people { countEmptyPhones } }'],
      [junior(), '{ people { countNotEmptyPhones percentageEmptyPhones } }'],
      [supportIntern(), '{ companies { countUniqueValuesAnnualRecurringRevenue } }'],
      [
        supportIntern(),
        '{ companies(first: 5) { edges { node { people { countEmptyPhones } } } } }',
      ],
    ] as const) {
      expectPermissionDenied(await fx.graphql(member.token, { query }));
    }
  });

  it('refuses a nested connection filter on a hidden field given as a variable', async () => {
    const rep = intern();
    const query = {
      query:
        'query($f: PersonFilterInput) { people(first: 5) { edges { node { id company { people(filter: $f) { totalCount } } } } } }',
      variables: { f: { phones: { primaryPhoneNumber: { like: '9%' } } } },
    };
    expectPermissionDenied(await fx.graphql(rep.token, query));
  });
});

describe('§11 REST', () => {
  it('does not answer GET /rest/companies with records outside the scope', async () => {
    const rep = junior();
    const { outsideNames, outsideIds } = companyScope(rep.id);
    const through = await fx.rest(rep.token, 'GET', '/rest/companies?limit=200');
    const refused = through.status >= 400 && through.status < 500;
    const scoped = through.status === 200 && outsideIds.every((id) => !through.text.includes(id));
    expect(refused || scoped).toBe(true);
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
    const direct = await fx.rest(rep.token, 'GET', '/rest/companies?limit=200', undefined, true);
    expect(direct.status).toBe(200);
    expect(outsideNames.some((n) => direct.text.includes(n))).toBe(true);
  });
});

describe('§12 an array of batched operations', () => {
  it('refuses a batch of two operations under the default limit of one, answering neither', async () => {
    const rep = junior();
    const { outsideIds, outsideNames } = companyScope(rep.id);
    const batch = [
      { query: '{ companies(first: 200) { edges { node { id name } } } }' },
      {
        query: `{ company(filter: { id: { eq: "${outsideIds[0] ?? ''}" } }) { id name } }`,
      },
    ];
    const through = await fx.graphql(rep.token, batch);
    expect(through.status).toBeGreaterThanOrEqual(400);
    expect(through.text).toContain('maxOperationsPerBatch');
    expect(through.text).not.toContain('"edges"');
    expectNoLeak(through, [...outsideIds, ...outsideNames]);
  });
});
