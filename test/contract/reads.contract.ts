/** Contract: reading records: filters, ordering, paging and composite fields, as Twenty serves them. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HostClient } from '../../src/host/client.js';
import { allNodes } from '../../src/host/paging.js';
import {
  COMPANIES,
  CONTRACT_COUNTS,
  type Company,
  type Host,
  type HostEndpoints,
  type HostOpener,
  OPPORTUNITIES,
  OPPORTUNITY,
  type Opportunity,
  PAGE_INFO,
  PEOPLE,
  PERSON,
  type Page,
  type Person,
  type Variables,
  compareNullable,
  everything,
  ids,
  isSorted,
  micros,
  shape,
} from './harness.js';

export function readsContract(hosts: HostOpener): void {
  hosts.needs('seed', 'memberTokens').describe('reading records', () => {
    let host: Host;
    let reader: HostClient;
    let opportunities: Opportunity[];
    let people: Person[];
    const readOnly: HostEndpoints[] = [];

    beforeAll(async () => {
      host = await hosts.open();
      readOnly.push(...hosts.adopt());
      reader = host.core(host.member().token);
      opportunities = await everything<Opportunity>(host.adminCore, OPPORTUNITIES, 'opportunities');
      people = await everything<Person>(host.adminCore, PEOPLE, 'people');
    });
    afterAll(async () => {
      await Promise.all(readOnly.splice(0).map((endpoints) => endpoints.close()));
    });

    /** The ids a member's filtered findMany returns, checked against `totalCount`. */
    async function matching(document: string, field: string, filter: Variables): Promise<string[]> {
      const nodes = await everything<{ id: string }>(reader, document, field, { filter });
      const first = await reader.request<Record<string, Page<{ id: string }>>>(document, {
        filter,
        first: 1,
      });
      expect(first[field]?.totalCount).toBe(nodes.length);
      return ids(nodes);
    }

    /** A filter test is only telling when it selects some records and leaves some out. */
    function expectSome<T>(selected: readonly T[], all: readonly T[]): void {
      expect(selected.length).toBeGreaterThan(0);
      expect(selected.length).toBeLessThan(all.length);
    }

    it('sees the seeded workspace with the counts it was seeded with', () => {
      expect(opportunities).toHaveLength(CONTRACT_COUNTS.opportunities);
      expect(people).toHaveLength(CONTRACT_COUNTS.people);
    });

    it('filters by a scalar with eq, neq and in', async () => {
      const customer = opportunities.filter((o) => o.stage === 'CUSTOMER');
      expectSome(customer, opportunities);
      expect(await matching(OPPORTUNITIES, 'opportunities', { stage: { eq: 'CUSTOMER' } })).toEqual(
        ids(customer),
      );
      expect(
        await matching(OPPORTUNITIES, 'opportunities', { stage: { neq: 'CUSTOMER' } }),
      ).toEqual(ids(opportunities.filter((o) => o.stage !== 'CUSTOMER')));
      const early = opportunities.filter((o) => o.stage === 'NEW' || o.stage === 'MEETING');
      expectSome(early, opportunities);
      expect(
        await matching(OPPORTUNITIES, 'opportunities', { stage: { in: ['NEW', 'MEETING'] } }),
      ).toEqual(ids(early));
      const city = people[0]?.city ?? '';
      const inCity = people.filter((p) => p.city === city);
      expect(await matching(PEOPLE, 'people', { city: { eq: city } })).toEqual(ids(inCity));
    });

    it('filters by a composite sub-field: a full name with ilike, an amount with gt', async () => {
      const withAn = people.filter((p) => p.name.firstName.toLowerCase().includes('an'));
      expectSome(withAn, people);
      expect(await matching(PEOPLE, 'people', { name: { firstName: { ilike: '%AN%' } } })).toEqual(
        ids(withAn),
      );
      const threshold = 100_000_000_000;
      const large = opportunities.filter((o) => (micros(o.amount.amountMicros) ?? 0) > threshold);
      expectSome(large, opportunities);
      expect(
        await matching(OPPORTUNITIES, 'opportunities', {
          amount: { amountMicros: { gt: threshold } },
        }),
      ).toEqual(ids(large));
    });

    it('combines filters with and, or and not', async () => {
      const threshold = 50_000_000_000;
      const both = opportunities.filter(
        (o) => o.stage === 'SCREENING' && (micros(o.amount.amountMicros) ?? 0) > threshold,
      );
      expectSome(both, opportunities);
      expect(
        await matching(OPPORTUNITIES, 'opportunities', {
          and: [{ stage: { eq: 'SCREENING' } }, { amount: { amountMicros: { gt: threshold } } }],
        }),
      ).toEqual(ids(both));
      const either = opportunities.filter((o) => o.stage === 'NEW' || o.stage === 'CUSTOMER');
      expectSome(either, opportunities);
      expect(
        await matching(OPPORTUNITIES, 'opportunities', {
          or: [{ stage: { eq: 'NEW' } }, { stage: { eq: 'CUSTOMER' } }],
        }),
      ).toEqual(ids(either));
      const notScreening = opportunities.filter((o) => o.stage !== 'SCREENING');
      expectSome(notScreening, opportunities);
      expect(
        await matching(OPPORTUNITIES, 'opportunities', { not: { stage: { eq: 'SCREENING' } } }),
      ).toEqual(ids(notScreening));
    });

    it('selects nulls with is NULL and non-nulls with is NOT_NULL', async () => {
      const unowned = opportunities.filter((o) => o.ownerId === null);
      expectSome(unowned, opportunities);
      expect(await matching(OPPORTUNITIES, 'opportunities', { ownerId: { is: 'NULL' } })).toEqual(
        ids(unowned),
      );
      expect(
        await matching(OPPORTUNITIES, 'opportunities', { ownerId: { is: 'NOT_NULL' } }),
      ).toEqual(ids(opportunities.filter((o) => o.ownerId !== null)));
    });

    it('does not select a null compared with neq, nor with not eq', async () => {
      const owner = opportunities.find((o) => o.ownerId !== null)?.ownerId ?? '';
      const unowned = ids(opportunities.filter((o) => o.ownerId === null));
      expect(unowned.length).toBeGreaterThan(0);
      const others = opportunities.filter((o) => o.ownerId !== null && o.ownerId !== owner);
      const neq = await matching(OPPORTUNITIES, 'opportunities', { ownerId: { neq: owner } });
      expect(neq).toEqual(ids(others));
      const notEq = await matching(OPPORTUNITIES, 'opportunities', {
        not: { ownerId: { eq: owner } },
      });
      expect(notEq).toEqual(ids(others));
      for (const id of unowned) {
        expect(neq).not.toContain(id);
        expect(notEq).not.toContain(id);
      }
    });

    it('orders with AscNullsFirst and DescNullsLast, on a column and on a composite sub-field', async () => {
      const ascending = await everything<Opportunity>(reader, OPPORTUNITIES, 'opportunities', {
        orderBy: [{ ownerId: 'AscNullsFirst' }],
      });
      expect(ascending).toHaveLength(opportunities.length);
      const owners = ascending.map((o) => o.ownerId);
      expect(owners[0]).toBeNull();
      expect(isSorted(owners, (a, b) => compareNullable(a, b, 'AscNullsFirst'))).toBe(true);

      const descending = await everything<Opportunity>(reader, OPPORTUNITIES, 'opportunities', {
        orderBy: [{ ownerId: 'DescNullsLast' }],
      });
      const downwards = descending.map((o) => o.ownerId);
      expect(downwards.at(-1)).toBeNull();
      expect(isSorted(downwards, (a, b) => compareNullable(a, b, 'DescNullsLast'))).toBe(true);

      const companies = await everything<Company>(reader, COMPANIES, 'companies', {
        orderBy: [{ annualRecurringRevenue: { amountMicros: 'DescNullsLast' } }],
      });
      const revenue = companies.map((c) => micros(c.annualRecurringRevenue?.amountMicros));
      expect(revenue).toContain(null);
      expect(revenue.some((value) => value !== null)).toBe(true);
      expect(isSorted(revenue, (a, b) => compareNullable(a, b, 'DescNullsLast'))).toBe(true);
    });

    it('pages forward with first/after through every record, reaching totalCount with no duplicates', async () => {
      let totalCount = -1;
      const seen: string[] = [];
      const pages = allNodes<Person>('people', async (after) => {
        const data = await reader.request<{ people: Page<Person> }>(PEOPLE, {
          first: 7,
          ...(after === undefined ? {} : { after }),
        });
        totalCount = data.people.totalCount;
        expect(data.people.edges.length).toBeLessThanOrEqual(7);
        return data.people;
      });
      for await (const person of pages) seen.push(person.id);
      expect(totalCount).toBe(CONTRACT_COUNTS.people);
      expect(seen).toHaveLength(totalCount);
      expect(new Set(seen).size).toBe(totalCount);
    });

    it('pages backward with last/before, in the same order as forward', async () => {
      const forward = await everything<Person>(reader, PEOPLE, 'people', {}, 7);
      const lastCursor = await reader.request<{ people: Page<Person> }>(PEOPLE, {
        first: 60,
      });
      const end = lastCursor.people.pageInfo.endCursor;
      expect(end).toBeTruthy();
      const backward: string[] = [];
      let before = end ?? '';
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(20);
        const data = await reader.request<{ people: Page<Person> }>(PEOPLE, {
          last: 7,
          before,
        });
        const page = data.people;
        expect(page.edges.length).toBeLessThanOrEqual(7);
        backward.unshift(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor ?? '';
        expect(before).not.toBe('');
      }
      // Everything before the last record, in presentation order.
      expect(backward).toEqual(forward.slice(0, -1).map((p) => p.id));
    });

    it('returns composite fields nested (name, emails, phones, amount)', async () => {
      const data = await reader.request<{
        people: Page<Person>;
        opportunities: Page<Opportunity>;
      }>(
        `query Composite { people(first: 5) { totalCount edges { cursor node { ${PERSON} } } ${PAGE_INFO} }
          opportunities(first: 5) { totalCount edges { cursor node { ${OPPORTUNITY} } } ${PAGE_INFO} } }`,
      );
      expect(data.people.edges).toHaveLength(5);
      for (const { node } of data.people.edges) {
        expect(shape(node)).toMatchObject({
          name: { firstName: 'string', lastName: 'string' },
          emails: { primaryEmail: 'string', additionalEmails: 'array' },
          phones: {
            primaryPhoneNumber: 'string',
            primaryPhoneCountryCode: 'string',
            primaryPhoneCallingCode: 'string',
            additionalPhones: 'array',
          },
        });
      }
      const opportunity = data.opportunities.edges[0]?.node;
      expect(opportunity?.amount.currencyCode).toMatch(/^[A-Z]{3}$/);
      expect(Number.isFinite(micros(opportunity?.amount.amountMicros))).toBe(true);
    });
  });
}
