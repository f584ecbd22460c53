/**
 * Contract: records as Twenty 2.43 keeps them. Update events say what changed and an update
 * that changes nothing sends none (`format-twenty-orm-event-to-database-batch-event.util.ts`);
 * a written empty text is stored as null (`transform-text-field.util.ts`); ids are UUIDs of
 * versions 1 to 5 (the GraphQL UUID scalar, `isValidUuid.ts`); one QUERY_MAX_RECORDS (200)
 * sizes the default page and the write batches; a relation to an object the role cannot read
 * fails the query; the workspace-wide `search` finds records by their search fields.
 *
 * Capabilities each test needs on the shared harness: member tokens (all but the UUID and
 * search-by-key tests), a webhook receiver and the sandbox's settle (update events), a fresh
 * host (the QUERY_MAX_RECORDS and nested-relation tests change records and permissions).
 */
import { describe, expect } from 'vitest';
import { QUERY_MAX_RECORDS } from '../../src/host/twenty-limits.js';
import { MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';
import {
  type HostOpener,
  type Person,
  type Receive,
  PERSON,
  WEBHOOK_SECRET,
  failure,
} from './harness.js';

const UPDATE_PERSON = `mutation Update($id: UUID!, $data: PersonUpdateInput!) { updatePerson(id: $id, data: $data) { ${PERSON} } }`;
const FIRST_PERSON = 'query First { people(first: 1) { edges { node { id } } } }';
const V7 = '01932c07-209c-7f1a-9b3e-5d4c3b2a1f00';

async function waitFor(done: () => boolean, ms = 2000): Promise<void> {
  for (let waited = 0; !done() && waited < ms; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function recordsContract(hosts: HostOpener, receive: Receive): void {
  describe('records as Twenty 2.43 keeps them', () => {
    // Every test writes records, and most read a member's view or the webhooks of a write.
    const { it } = hosts.needs('freshHost', 'memberTokens', 'sandboxState', 'webhookReceiver');
    it('sends an update event with what changed, none for an update that changes nothing, and updatedBy when only the writer differs', async () => {
      const receiver = await receive();
      try {
        const host = await hosts.open();
        const member = host.core(host.member().token);
        await host.adminMetadata.request(
          `mutation Hook($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
          {
            input: {
              targetUrl: receiver.url,
              operations: ['person.updated'],
              secret: WEBHOOK_SECRET,
            },
          },
        );
        const first = await member.request<{ people: { edges: { node: { id: string } }[] } }>(
          FIRST_PERSON,
        );
        const id = first.people.edges[0]?.node.id ?? '';
        const data = { jobTitle: 'Contract tester' };
        await member.request(UPDATE_PERSON, { id, data });
        await waitFor(() => receiver.received.length >= 1);
        await member.request(UPDATE_PERSON, { id, data });
        await host.adminCore.request(UPDATE_PERSON, { id, data });
        await waitFor(() => receiver.received.length >= 2);
        await host.sandbox.settle();
        const bodies = receiver.received.map(
          (r) => JSON.parse(r.rawBody) as { updatedFields?: string[] },
        );
        expect(bodies).toHaveLength(2);
        expect(bodies[0]?.updatedFields).toContain('jobTitle');
        expect(bodies[1]?.updatedFields).toEqual(['updatedBy']);
      } finally {
        await receiver.close();
      }
    });

    it('stores a written empty text as null, in a text field and a name part', async () => {
      const host = await hosts.open();
      const member = host.core(host.member().token);
      const first = await member.request<{ people: { edges: { node: { id: string } }[] } }>(
        FIRST_PERSON,
      );
      const id = first.people.edges[0]?.node.id ?? '';
      const updated = await member.request<{ updatePerson: Person }>(UPDATE_PERSON, {
        id,
        data: { jobTitle: '', name: { firstName: '' } },
      });
      expect(updated.updatePerson.jobTitle).toBeNull();
      expect(updated.updatePerson.name.firstName).toBeNull();
    });

    it('refuses a version 7 id, in a variable and written in the document, and takes a version 4 one', async () => {
      const host = await hosts.open();
      const create =
        'mutation C($id: UUID!) { createCompany(data: { id: $id, name: "V" }) { id } }';
      const inVariable = await failure(host.adminCore.request(create, { id: V7 }));
      expect(inVariable.message).toContain('Invalid UUID');
      const literal = await failure(
        host.adminCore.request(
          `mutation L { createCompany(data: { id: "${V7}", name: "V" }) { id } }`,
        ),
      );
      expect(literal.has('BAD_USER_INPUT')).toBe(true);
      expect(literal.message).toContain(`Invalid UUID value '${V7}' for field "id"`);
      const v4 = '5b0e6a4c-2f6d-4d8e-9a1b-3c4d5e6f7a8b';
      await expect(host.adminCore.request(create, { id: v4 })).resolves.toEqual({
        createCompany: { id: v4 },
      });
    });

    it('serves QUERY_MAX_RECORDS records when first is absent, and refuses to update more at once', async () => {
      const host = await hosts.open();
      const data = Array.from({ length: QUERY_MAX_RECORDS }, (_, i) => ({ name: `Page ${i}` }));
      await host.adminCore.request(
        'mutation Bulk($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
        { data },
      );
      const page = await host.adminCore.request<{
        companies: { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
      }>('query All { companies { edges { node { id } } pageInfo { hasNextPage } } }');
      expect(page.companies.edges).toHaveLength(QUERY_MAX_RECORDS);
      expect(page.companies.pageInfo.hasNextPage).toBe(true);
      const error = await failure(
        host.adminCore.request(
          'mutation U { updateCompanies(filter: {}, data: { name: "X" }) { id } }',
        ),
      );
      expect(error.has('BAD_USER_INPUT')).toBe(true);
      expect(error.message).toContain(
        `Cannot update more than ${QUERY_MAX_RECORDS} records at once`,
      );
    });

    it('fails the whole query when it reaches a relation to an object the role cannot read', async () => {
      const host = await hosts.open();
      const member = host.core(host.member().token);
      await host.adminMetadata.request(
        `mutation Restrict($input: UpsertObjectPermissionsInput!) {
          upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId }
        }`,
        {
          input: {
            roleId: MEMBER_ROLE_ID,
            objectPermissions: [
              {
                objectMetadataId: await host.objectId('company'),
                canReadObjectRecords: false,
                canUpdateObjectRecords: false,
                canSoftDeleteObjectRecords: false,
                canDestroyObjectRecords: false,
              },
            ],
          },
        },
      );
      const alone = 'query P { people(first: 5) { edges { node { id } } } }';
      await expect(member.request(alone)).resolves.toBeDefined();
      const error = await failure(
        member.request('query PC { people(first: 5) { edges { node { id company { name } } } } }'),
      );
      expect(error.has('FORBIDDEN')).toBe(true);
    });

    it('finds a record with the workspace-wide search by a prefix of its name', async () => {
      const host = await hosts.open();
      const created = await host.adminCore.request<{ createCompany: { id: string } }>(
        'mutation C { createCompany(data: { name: "Zyxwv Contract Works" }) { id } }',
      );
      const found = await host.adminCore.request<{
        search: {
          edges: { node: { recordId: string; objectNameSingular: string; label: string } }[];
        };
      }>(
        'query S { search(searchInput: "zyxw", limit: 5) { edges { node { recordId objectNameSingular label } } } }',
      );
      expect(found.search.edges.map((e) => e.node)).toEqual([
        {
          recordId: created.createCompany.id,
          objectNameSingular: 'company',
          label: 'Zyxwv Contract Works',
        },
      ]);
    });
  });
}
