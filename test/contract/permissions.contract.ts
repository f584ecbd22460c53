/** Contract: Twenty's native permissions: object, field and row-level, and role assignment. */
import { describe, expect } from 'vitest';
import { MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';
import {
  CONTRACT_COUNTS,
  type Host,
  type HostOpener,
  OPPORTUNITIES,
  type Opportunity,
  type Page,
  type Person,
  type Variables,
  everything,
  failure,
  ids,
} from './harness.js';

export function permissionsContract(hosts: HostOpener): void {
  describe('native permissions', () => {
    // Each of these tests changes the workspace or reads a seeded member's view.
    const { it } = hosts.needs('freshHost', 'sandboxState', 'memberTokens', 'seed');
    it("refuses a member's read of an object their role may not read, while the admin still reads it", async () => {
      const host = await hosts.open();
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
      const host = await hosts.open();
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
      const host = await hosts.open();
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
      // Members move with an admin's own session: Twenty refuses it to every API key.
      const admin = host.metadata(host.adminSession.token);
      const movedAnswer = await admin.request<{
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
      await admin.request(move, { member: moved.id, role: MEMBER_ROLE_ID });
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
      const host = await hosts.open({ rls: false });
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
      const host = await hosts.open({ rls: true });
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
  });
}
