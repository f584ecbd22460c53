/**
 * The host contract: the behaviours of Twenty that Tiergate relies on (HOST-CONTRACT.md), as one
 * suite that runs against any transport to the sandbox (loopback HTTP, msw). Every test talks to
 * the host only as Tiergate will: through `HostClient`, over the endpoints `connect` gives, with
 * a member's token or the admin API key. The sandbox itself is only the fixture: it makes the
 * workspace and hands out the tokens.
 *
 * Expectations are computed from what the admin reads back through the API, so a test states
 * Twenty's rule (SQL three-valued logic, nulls ordering, keyset paging…) rather than seed data.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/host/host-error.js';
import { HostClient } from '../../src/host/client.js';
import { allNodes, type Connection } from '../../src/host/paging.js';
import { verifySignature } from '../../src/host/webhook/signature.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';

/** The endpoints of a running host (the sandbox behind some transport). */
export interface HostEndpoints {
  readonly coreUrl: string;
  readonly metadataUrl: string;
  close(): Promise<void>;
}

export type Connect = (sandbox: Sandbox) => Promise<HostEndpoints>;

/** One request a webhook receiver got, as it arrived (the raw body is what was signed). */
export interface ReceivedRequest {
  readonly method: string;
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where webhook deliveries go: a URL, and what arrived there so far. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedRequest[];
  close(): Promise<void>;
}

export type Receive = () => Promise<WebhookReceiver>;

export const CONTRACT_COUNTS = { members: 16, companies: 12, people: 30, opportunities: 20 };
export const CONTRACT_NOW = new Date('2026-06-30T12:00:00Z');
const WEBHOOK_SECRET = 'whsec-contract-0123456789abcdef';

// ---------------------------------------------------------------------------------------------
// Shapes read back through the API

interface Opportunity {
  readonly id: string;
  readonly name: string | null;
  readonly stage: string;
  readonly ownerId: string | null;
  readonly amount: { readonly amountMicros: number | string | null; readonly currencyCode: string };
}

interface Person {
  readonly id: string;
  readonly name: { readonly firstName: string; readonly lastName: string };
  readonly emails: { readonly primaryEmail: string; readonly additionalEmails: unknown };
  readonly phones: {
    readonly primaryPhoneNumber: string;
    readonly primaryPhoneCountryCode: string;
    readonly primaryPhoneCallingCode: string;
    readonly additionalPhones: unknown;
  };
  readonly jobTitle: string | null;
  readonly city: string | null;
  readonly deletedAt: string | null;
}

interface Company {
  readonly id: string;
  readonly annualRecurringRevenue: { readonly amountMicros: number | string | null } | null;
}

type Page<TNode> = Connection<TNode> & {
  readonly totalCount: number;
  readonly edges: readonly { readonly node: TNode; readonly cursor: string }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
};

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const OPPORTUNITY = 'id name stage ownerId amount { amountMicros currencyCode }';
const PERSON =
  'id name { firstName lastName } emails { primaryEmail additionalEmails } phones { primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode additionalPhones } jobTitle city deletedAt';

const OPPORTUNITIES = `query Opportunities($filter: OpportunityFilterInput, $orderBy: [OpportunityOrderByInput], $first: Int, $after: String) {
  opportunities(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { ${OPPORTUNITY} } } ${PAGE_INFO}
  }
}`;

const PEOPLE = `query People($filter: PersonFilterInput, $orderBy: [PersonOrderByInput], $first: Int, $after: String, $last: Int, $before: String) {
  people(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { ${PERSON} } } ${PAGE_INFO}
  }
}`;

const COMPANIES = `query Companies($orderBy: [CompanyOrderByInput], $first: Int, $after: String) {
  companies(orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { id annualRecurringRevenue { amountMicros } } } ${PAGE_INFO}
  }
}`;

const OBJECTS = `query Objects {
  objects(paging: { first: 1000 }, filter: {}) {
    edges { node { id nameSingular fieldsList { id name } } }
  }
}`;

type Variables = Record<string, unknown>;

/** Every node of a findMany, page after page (60 a page, Twenty's maximum). */
async function everything<TNode>(
  client: HostClient,
  document: string,
  field: string,
  variables: Variables = {},
  pageSize = 60,
): Promise<TNode[]> {
  const nodes: TNode[] = [];
  const pages = allNodes<TNode>(field, async (after) => {
    const data = await client.request<Record<string, Page<TNode>>>(document, {
      ...variables,
      first: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    const page = data[field];
    if (page === undefined) throw new Error(`no ${field} in the answer`);
    return page;
  });
  for await (const node of pages) nodes.push(node);
  return nodes;
}

/** The HostError a request fails with (the test fails if it succeeds). */
async function failure(request: Promise<unknown>): Promise<HostError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error('expected the host to refuse the request, but it answered');
}

const ids = (nodes: readonly { readonly id: string }[]): string[] => nodes.map((n) => n.id).sort();
const micros = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Postgres orders UUIDs and ASCII text bytewise; so does `<` on these strings. */
function compareNullable(
  a: string | number | null,
  b: string | number | null,
  direction: 'AscNullsFirst' | 'DescNullsLast',
): number {
  if (a === null && b === null) return 0;
  if (a === null) return direction === 'AscNullsFirst' ? -1 : 1;
  if (b === null) return direction === 'AscNullsFirst' ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return direction === 'AscNullsFirst' ? order : -order;
}

/** The JSON type of every leaf, composite values kept nested: `{ name: { firstName: 'string' } }`. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  }
  return typeof value;
}

function isSorted<T>(values: readonly T[], compare: (a: T, b: T) => number): boolean {
  return values.every((value, i) => i === 0 || compare(values[i - 1] as T, value) <= 0);
}

// ---------------------------------------------------------------------------------------------
// A host under test

interface Host {
  readonly sandbox: Sandbox;
  readonly adminCore: HostClient;
  readonly adminMetadata: HostClient;
  core(token: string): HostClient;
  metadata(token: string): HostClient;
  /** A seeded member with the Member role (index among those). */
  member(index?: number): { readonly id: string; readonly token: string };
  /** Object and field ids, read through the metadata API. */
  objectId(nameSingular: string): Promise<string>;
  fieldId(nameSingular: string, field: string): Promise<string>;
}

export function describeHostContract(name: string, connect: Connect, receive: Receive): void {
  describe(name, () => {
    const opened: HostEndpoints[] = [];
    const clientOptions = { retry: { attempts: 1 }, rateLimit: { requests: 10_000, windowMs: 1 } };

    async function openHost(options: { rls?: boolean } = {}): Promise<Host> {
      const sandbox = await createSandbox({
        rls: options.rls ?? false,
        seed: 'default',
        seedCounts: CONTRACT_COUNTS,
        now: () => CONTRACT_NOW,
      });
      const endpoints = await connect(sandbox);
      opened.push(endpoints);
      const core = (token: string): HostClient =>
        new HostClient({ url: endpoints.coreUrl, token, ...clientOptions });
      const metadata = (token: string): HostClient =>
        new HostClient({ url: endpoints.metadataUrl, token, ...clientOptions });
      const adminMetadata = metadata(sandbox.adminKey);
      let objects: Map<string, { id: string; fields: Map<string, string> }> | undefined;
      const object = async (nameSingular: string) => {
        if (objects === undefined) {
          const data = await adminMetadata.request<{
            objects: {
              edges: {
                node: {
                  id: string;
                  nameSingular: string;
                  fieldsList: { id: string; name: string }[];
                };
              }[];
            };
          }>(OBJECTS);
          objects = new Map(
            data.objects.edges.map(({ node }) => [
              node.nameSingular,
              { id: node.id, fields: new Map(node.fieldsList.map((f) => [f.name, f.id])) },
            ]),
          );
        }
        const found = objects.get(nameSingular);
        if (found === undefined) throw new Error(`no object ${nameSingular} in the metadata`);
        return found;
      };
      return {
        sandbox,
        adminCore: core(sandbox.adminKey),
        adminMetadata,
        core,
        metadata,
        member: (index = 0) => {
          const members = sandbox.state().members.filter((m) => m.roleId === MEMBER_ROLE_ID);
          const found = members[index];
          if (found === undefined) throw new Error(`no member #${index} with the Member role`);
          return { id: found.id, token: found.token };
        },
        objectId: async (nameSingular) => (await object(nameSingular)).id,
        fieldId: async (nameSingular, field) => {
          const id = (await object(nameSingular)).fields.get(field);
          if (id === undefined) throw new Error(`no field ${nameSingular}.${field}`);
          return id;
        },
      };
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((endpoints) => endpoints.close()));
    });

    // Read-only behaviours share one workspace, opened once.
    describe('reading records', () => {
      let host: Host;
      let reader: HostClient;
      let opportunities: Opportunity[];
      let people: Person[];
      const readOnly: HostEndpoints[] = [];

      beforeAll(async () => {
        host = await openHost();
        readOnly.push(...opened.splice(0));
        reader = host.core(host.member().token);
        opportunities = await everything<Opportunity>(
          host.adminCore,
          OPPORTUNITIES,
          'opportunities',
        );
        people = await everything<Person>(host.adminCore, PEOPLE, 'people');
      });
      afterAll(async () => {
        await Promise.all(readOnly.splice(0).map((endpoints) => endpoints.close()));
      });

      /** The ids a member's filtered findMany returns, checked against `totalCount`. */
      async function matching(
        document: string,
        field: string,
        filter: Variables,
      ): Promise<string[]> {
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
        expect(
          await matching(OPPORTUNITIES, 'opportunities', { stage: { eq: 'CUSTOMER' } }),
        ).toEqual(ids(customer));
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
        expect(
          await matching(PEOPLE, 'people', { name: { firstName: { ilike: '%AN%' } } }),
        ).toEqual(ids(withAn));
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

    it('round-trips create, update, delete and restore, and hides a soft-deleted record from findMany', async () => {
      const host = await openHost();
      const member = host.core(host.member().token);
      const before = await member.request<{ people: { totalCount: number } }>(
        'query Count { people { totalCount } }',
      );
      const created = await member.request<{ createPerson: Person }>(
        `mutation Create($data: PersonCreateInput!) { createPerson(data: $data) { ${PERSON} } }`,
        {
          data: {
            name: { firstName: 'Ada', lastName: 'Lovelace' },
            emails: { primaryEmail: 'ada@analytical.test', additionalEmails: ['ada@engine.test'] },
            phones: {
              primaryPhoneNumber: '7946000000',
              primaryPhoneCountryCode: 'GB',
              primaryPhoneCallingCode: '+44',
              additionalPhones: [],
            },
            jobTitle: 'Analyst',
          },
        },
      );
      const person = created.createPerson;
      expect(person).toMatchObject({
        name: { firstName: 'Ada', lastName: 'Lovelace' },
        emails: { primaryEmail: 'ada@analytical.test', additionalEmails: ['ada@engine.test'] },
        phones: {
          primaryPhoneNumber: '7946000000',
          primaryPhoneCountryCode: 'GB',
          primaryPhoneCallingCode: '+44',
        },
        jobTitle: 'Analyst',
        deletedAt: null,
      });
      const one = `query One($id: UUID!) { people(filter: { id: { eq: $id } }) { totalCount edges { node { ${PERSON} } } } }`;
      const read = async () =>
        (await member.request<{ people: Page<Person> }>(one, { id: person.id })).people;
      expect((await read()).edges[0]?.node).toEqual(person);

      const updated = await member.request<{ updatePerson: Person }>(
        `mutation Update($id: UUID!) { updatePerson(id: $id, data: { jobTitle: "Engineer", name: { firstName: "Augusta", lastName: "King" } }) { ${PERSON} } }`,
        { id: person.id },
      );
      expect(updated.updatePerson).toMatchObject({
        id: person.id,
        jobTitle: 'Engineer',
        name: { firstName: 'Augusta', lastName: 'King' },
        emails: { primaryEmail: 'ada@analytical.test' },
      });
      expect((await read()).edges[0]?.node.jobTitle).toBe('Engineer');

      const deleted = await member.request<{ deletePerson: Person }>(
        `mutation Delete($id: UUID!) { deletePerson(id: $id) { id deletedAt } }`,
        { id: person.id },
      );
      expect(deleted.deletePerson.deletedAt).not.toBeNull();
      expect((await read()).totalCount).toBe(0);
      const afterDelete = await member.request<{ people: { totalCount: number } }>(
        'query Count { people { totalCount } }',
      );
      expect(afterDelete.people.totalCount).toBe(before.people.totalCount);
      // A filter on deletedAt reaches the trash (Twenty's applyDeletedAtToBuilder: withDeleted).
      const trash = await member.request<{ people: Page<Pick<Person, 'id' | 'deletedAt'>> }>(
        'query Trash { people(filter: { deletedAt: { is: NOT_NULL } }) { totalCount edges { node { id deletedAt } } } }',
      );
      expect(trash.people.edges.map((edge) => edge.node.id)).toContain(person.id);

      const restored = await member.request<{ restorePerson: Person }>(
        `mutation Restore($id: UUID!) { restorePerson(id: $id) { id deletedAt } }`,
        { id: person.id },
      );
      expect(restored.restorePerson).toEqual({ id: person.id, deletedAt: null });
      expect((await read()).edges[0]?.node).toMatchObject({ id: person.id, jobTitle: 'Engineer' });
    });

    it('records who created a record: a member as MANUAL with their id, an API key as API', async () => {
      const host = await openHost();
      const account = host.member();
      const create = `mutation Create($name: String!) { createCompany(data: { name: $name }) { id createdBy { source workspaceMemberId } } }`;
      type Created = {
        createCompany: { createdBy: { source: string; workspaceMemberId: string | null } };
      };
      const byMember = await host.core(account.token).request<Created>(create, { name: 'Mine' });
      expect(byMember.createCompany.createdBy).toEqual({
        source: 'MANUAL',
        workspaceMemberId: account.id,
      });
      const byKey = await host.adminCore.request<Created>(create, { name: 'Integration' });
      expect(byKey.createCompany.createdBy.source).toBe('API');
      expect(byKey.createCompany.createdBy.workspaceMemberId).toBeNull();
    });

    it('refuses a createMany of more than 60 records, and stores none of them', async () => {
      const host = await openHost();
      const member = host.core(host.member().token);
      const data = Array.from({ length: 61 }, (_, i) => ({ name: `Bulk company ${i}` }));
      const error = await failure(
        member.request(
          'mutation Bulk($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
          { data },
        ),
      );
      expect(error.has('BAD_USER_INPUT')).toBe(true);
      expect(error.message).toContain('60');
      const count = await member.request<{ companies: { totalCount: number } }>(
        'query Count { companies { totalCount } }',
      );
      expect(count.companies.totalCount).toBe(CONTRACT_COUNTS.companies);
    });

    it("refuses a member's read of an object their role may not read, while the admin still reads it", async () => {
      const host = await openHost();
      const member = host.core(host.member().token);
      const count = 'query Count { opportunities { totalCount } }';
      await expect(member.request(count)).resolves.toEqual({
        opportunities: { totalCount: CONTRACT_COUNTS.opportunities },
      });
      await host.adminMetadata.request(
        `mutation Restrict($input: UpsertObjectPermissionsInput!) {
          upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId canReadObjectRecords }
        }`,
        {
          input: {
            roleId: MEMBER_ROLE_ID,
            objectPermissions: [
              {
                objectMetadataId: await host.objectId('opportunity'),
                canReadObjectRecords: false,
                canUpdateObjectRecords: false,
                canSoftDeleteObjectRecords: false,
                canDestroyObjectRecords: false,
              },
            ],
          },
        },
      );
      const error = await failure(member.request(count));
      expect(error.has('FORBIDDEN')).toBe(true);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('Entity performing the request does not have permission');
      await expect(host.adminCore.request(count)).resolves.toEqual({
        opportunities: { totalCount: CONTRACT_COUNTS.opportunities },
      });
      // Other objects stay readable.
      await expect(
        member.request<{ people: { totalCount: number } }>('query P { people { totalCount } }'),
      ).resolves.toEqual({ people: { totalCount: CONTRACT_COUNTS.people } });
    });

    it('hides a field with upsertFieldPermissions: selecting or filtering on it fails, leaving it out works', async () => {
      const host = await openHost();
      const member = host.core(host.member().token);
      await host.adminMetadata.request(
        `mutation Hide($input: UpsertFieldPermissionsInput!) {
          upsertFieldPermissions(upsertFieldPermissionsInput: $input) { fieldMetadataId canReadFieldValue }
        }`,
        {
          input: {
            roleId: MEMBER_ROLE_ID,
            fieldPermissions: [
              {
                objectMetadataId: await host.objectId('person'),
                fieldMetadataId: await host.fieldId('person', 'jobTitle'),
                canReadFieldValue: false,
                canUpdateFieldValue: false,
              },
            ],
          },
        },
      );
      const selecting = await failure(
        member.request('query Select { people(first: 5) { edges { node { id jobTitle } } } }'),
      );
      expect(selecting.has('FORBIDDEN')).toBe(true);
      expect(selecting.message).toContain('no permission to read field "jobTitle" on "person"');
      const filtering = await failure(
        member.request(
          'query Filter { people(filter: { jobTitle: { eq: "Analyst" } }) { edges { node { id } } } }',
        ),
      );
      expect(filtering.has('FORBIDDEN')).toBe(true);
      const without = await member.request<{ people: Page<Pick<Person, 'id' | 'name'>> }>(
        'query Without { people { totalCount edges { node { id name { firstName lastName } } } } }',
      );
      expect(without.people.totalCount).toBe(CONTRACT_COUNTS.people);
      // The admin's role is not restricted.
      const admin = await host.adminCore.request<{ people: Page<{ jobTitle: string | null }> }>(
        'query Admin { people(first: 5) { edges { node { jobTitle } } } }',
      );
      expect(admin.people.edges).toHaveLength(5);
    });

    it('changes what a member can do when updateWorkspaceMemberRole moves them to another role', async () => {
      const host = await openHost();
      const moved = host.member(0);
      const stays = host.core(host.member(1).token);
      const member = host.core(moved.token);
      const count = 'query Count { people { totalCount } }';
      await expect(member.request(count)).resolves.toEqual({
        people: { totalCount: CONTRACT_COUNTS.people },
      });
      const role = await host.adminMetadata.request<{ createOneRole: { id: string } }>(
        `mutation Role($input: CreateRoleInput!) { createOneRole(createRoleInput: $input) { id } }`,
        {
          input: {
            label: 'No records',
            description: 'Reads no record',
            canReadAllObjectRecords: false,
            canUpdateAllObjectRecords: false,
            canSoftDeleteAllObjectRecords: false,
            canDestroyAllObjectRecords: false,
            canBeAssignedToUsers: true,
          },
        },
      );
      const move = `mutation Move($member: UUID!, $role: UUID!) {
        updateWorkspaceMemberRole(workspaceMemberId: $member, roleId: $role) { id roles { id } }
      }`;
      const movedAnswer = await host.adminMetadata.request<{
        updateWorkspaceMemberRole: { id: string; roles: { id: string }[] | null };
      }>(move, { member: moved.id, role: role.createOneRole.id });
      expect(movedAnswer.updateWorkspaceMemberRole).toEqual({
        id: moved.id,
        roles: [{ id: role.createOneRole.id }],
      });
      expect((await failure(member.request(count))).has('FORBIDDEN')).toBe(true);
      // Only the member moved is affected.
      await expect(stays.request(count)).resolves.toEqual({
        people: { totalCount: CONTRACT_COUNTS.people },
      });
      await host.adminMetadata.request(move, { member: moved.id, role: MEMBER_ROLE_ID });
      await expect(member.request(count)).resolves.toEqual({
        people: { totalCount: CONTRACT_COUNTS.people },
      });
    });

    const UPSERT_RLS = `mutation Rls($input: UpsertRowLevelPermissionPredicatesInput!) {
      upsertRowLevelPermissionPredicates(input: $input) { predicates { id operand } }
    }`;

    async function ownerPredicate(host: Host): Promise<Variables> {
      return {
        input: {
          roleId: MEMBER_ROLE_ID,
          objectMetadataId: await host.objectId('opportunity'),
          predicates: [
            {
              fieldMetadataId: await host.fieldId('opportunity', 'owner'),
              operand: 'IS',
              value: { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] },
            },
          ],
          predicateGroups: [],
        },
      };
    }

    it('refuses row-level predicates without the RLS entitlement', async () => {
      const host = await openHost({ rls: false });
      const error = await failure(
        host.adminMetadata.request(UPSERT_RLS, await ownerPredicate(host)),
      );
      expect(error.has('FORBIDDEN')).toBe(true);
      expect(error.has('ROW_LEVEL_PERMISSION_FEATURE_DISABLED')).toBe(true);
      expect(error.message).toContain('Row level permission predicate feature is disabled');
      // Nothing was stored: a member still sees every opportunity.
      const member = host.core(host.member().token);
      await expect(member.request('query C { opportunities { totalCount } }')).resolves.toEqual({
        opportunities: { totalCount: CONTRACT_COUNTS.opportunities },
      });
    });

    it('with RLS, a predicate "owner is the current member" shows a member only their own opportunities, the admin key all', async () => {
      const host = await openHost({ rls: true });
      const all = await everything<Opportunity>(host.adminCore, OPPORTUNITIES, 'opportunities');
      const members = host.sandbox.state().members.filter((m) => m.roleId === MEMBER_ROLE_ID);
      const owned = (id: string) => all.filter((o) => o.ownerId === id);
      const owner = [...members].sort((a, b) => owned(b.id).length - owned(a.id).length)[0];
      const nobody = members.find((m) => owned(m.id).length === 0);
      if (owner === undefined) throw new Error('no member in the seed');
      expect(owned(owner.id).length).toBeGreaterThan(0);
      await host.adminMetadata.request(UPSERT_RLS, await ownerPredicate(host));

      const seen = await everything<Opportunity>(
        host.core(owner.token),
        OPPORTUNITIES,
        'opportunities',
      );
      expect(ids(seen)).toEqual(ids(owned(owner.id)));
      const counted = await host
        .core(owner.token)
        .request<{ opportunities: { totalCount: number } }>(
          'query C { opportunities { totalCount } }',
        );
      expect(counted.opportunities.totalCount).toBe(owned(owner.id).length);
      if (nobody !== undefined) {
        await expect(
          host.core(nobody.token).request('query C { opportunities { totalCount } }'),
        ).resolves.toEqual({ opportunities: { totalCount: 0 } });
      }
      await expect(
        host.adminCore.request('query C { opportunities { totalCount } }'),
      ).resolves.toEqual({ opportunities: { totalCount: CONTRACT_COUNTS.opportunities } });
    });

    it('delivers one signed POST to a webhook when a member creates a record', async () => {
      const receiver = await receive();
      try {
        const host = await openHost();
        const memberAccount = host.member();
        const webhook = await host.adminMetadata.request<{
          createWebhook: { id: string; targetUrl: string; operations: string[] };
        }>(
          `mutation Hook($input: CreateWebhookInput!) { createWebhook(input: $input) { id targetUrl operations } }`,
          {
            input: {
              targetUrl: receiver.url,
              operations: ['person.created'],
              description: 'contract',
              secret: WEBHOOK_SECRET,
            },
          },
        );
        expect(webhook.createWebhook).toMatchObject({
          targetUrl: receiver.url,
          operations: ['person.created'],
        });
        const created = await host
          .core(memberAccount.token)
          .request<{ createPerson: { id: string } }>(
            'mutation P { createPerson(data: { name: { firstName: "Grace", lastName: "Hopper" } }) { id } }',
          );
        // A company is not among the webhook's operations: it must not be delivered.
        await host
          .core(memberAccount.token)
          .request('mutation C { createCompany(data: { name: "Unwatched" }) { id } }');
        for (let waited = 0; receiver.received.length === 0 && waited < 2000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await host.sandbox.settle();
        expect(receiver.received).toHaveLength(1);
        const delivery = receiver.received[0];
        if (delivery === undefined) throw new Error('no delivery');
        expect(delivery.method).toBe('POST');
        expect(delivery.headers['content-type']).toContain('application/json');
        expect(
          verifySignature(delivery.rawBody, delivery.headers, {
            secrets: [WEBHOOK_SECRET],
            now: CONTRACT_NOW.getTime(),
          }),
        ).toBe(CONTRACT_NOW.getTime());
        expect(() =>
          verifySignature(delivery.rawBody, delivery.headers, {
            secrets: ['another-secret'],
            now: CONTRACT_NOW.getTime(),
          }),
        ).toThrow();
        const body = JSON.parse(delivery.rawBody) as Record<string, unknown>;
        expect(body).toMatchObject({
          targetUrl: receiver.url,
          eventName: 'person.created',
          objectMetadata: { id: await host.objectId('person'), nameSingular: 'person' },
          webhookId: webhook.createWebhook.id,
          workspaceMemberId: memberAccount.id,
          record: {
            id: created.createPerson.id,
            name: { firstName: 'Grace', lastName: 'Hopper' },
          },
        });
        expect(body).not.toHaveProperty('secret');
        expect(body).not.toHaveProperty('before');
      } finally {
        await receiver.close();
      }
    });

    it('answers an invalid token with HTTP 401 and UNAUTHENTICATED, on both endpoints', async () => {
      const host = await openHost();
      for (const client of [host.core('not-a-token'), host.metadata('not-a-token')]) {
        const error = await failure(client.request('query Q { __typename }'));
        expect(error.status).toBe(401);
        expect(error.has('UNAUTHENTICATED')).toBe(true);
        expect(error.retryable).toBe(false);
        expect(error.message).not.toContain('not-a-token');
      }
    });
  });
}
