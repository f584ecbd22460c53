/** Contract: writing records: create, update, delete, restore, upsert limits and who wrote what. */
import { describe, expect } from 'vitest';
import { QUERY_MAX_RECORDS } from '../../src/host/twenty-limits.js';
import {
  CONTRACT_COUNTS,
  type HostOpener,
  PERSON,
  type Page,
  type Person,
  failure,
} from './harness.js';

export function writesContract(hosts: HostOpener): void {
  describe('writing records', () => {
    // Each of these tests changes the workspace or reads a seeded member's view.
    const { it } = hosts.needs('freshHost', 'memberTokens', 'seed');
    it('round-trips create, update, delete and restore, and hides a soft-deleted record from findMany', async () => {
      const host = await hosts.open();
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
      const host = await hosts.open();
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

    it('refuses a createMany of more than QUERY_MAX_RECORDS (200) records, and stores none of them', async () => {
      const host = await hosts.open();
      const member = host.core(host.member().token);
      const data = Array.from({ length: QUERY_MAX_RECORDS + 1 }, (_, i) => ({
        name: `Bulk company ${i}`,
      }));
      const error = await failure(
        member.request(
          'mutation Bulk($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
          { data },
        ),
      );
      expect(error.has('BAD_USER_INPUT')).toBe(true);
      expect(error.message).toContain(
        `Maximum number of records to upsert is ${QUERY_MAX_RECORDS}.`,
      );
      const count = await member.request<{ companies: { totalCount: number } }>(
        'query Count { companies { totalCount } }',
      );
      expect(count.companies.totalCount).toBe(CONTRACT_COUNTS.companies);
    });
  });
}
