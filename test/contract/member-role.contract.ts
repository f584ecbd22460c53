/**
 * Moving a member to a role (`updateWorkspaceMemberRole`, repo `engine/metadata-modules/role/
 * role.resolver.ts`): behind `UserAuthGuard` (`engine/guards/user-auth.guard.ts`), so an API key
 * is refused whatever its role, and nobody may change their own role (`CANNOT_UPDATE_SELF_ROLE`).
 * Roles themselves can still be written with the key.
 */
import { describe, expect } from 'vitest';
import { ADMIN_ROLE_ID, MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';
import { failure, type Host, type HostOpener } from './harness.js';

const MOVE = `mutation Move($member: UUID!, $role: UUID!) {
  updateWorkspaceMemberRole(workspaceMemberId: $member, roleId: $role) { id roles { id } }
}`;

/** Who a session is, asked of the host (so the same test runs against a live Twenty). */
async function memberIdOf(host: Host, token: string): Promise<string> {
  const { currentUser } = await host.metadata(token).request<{
    currentUser: { workspaceMember: { id: string } | null };
  }>('query Me { currentUser { workspaceMember { id } } }');
  if (currentUser.workspaceMember === null) throw new Error('the session has no workspace member');
  return currentUser.workspaceMember.id;
}

/** The member's role ids, as the admin key reads them back (getRoles → workspaceMembers). */
async function rolesOf(host: Host, memberId: string): Promise<string[]> {
  const { getRoles } = await host.adminMetadata.request<{
    getRoles: { id: string; workspaceMembers: { id: string }[] }[];
  }>('query Roles { getRoles { id workspaceMembers { id } } }');
  return getRoles.filter((r) => r.workspaceMembers.some((m) => m.id === memberId)).map((r) => r.id);
}

export function memberRoleContract(hosts: HostOpener): void {
  describe('moving a member to a role (UserAuthGuard)', () => {
    const seeded = hosts.needs('memberTokens', 'seed');
    const changing = hosts.needs('freshHost', 'memberTokens', 'seed');
    seeded.it('refuses an admin API key ("Forbidden resource") and moves nobody', async () => {
      const host = await hosts.open();
      const member = host.member(0);
      const error = await failure(
        host.adminMetadata.request(MOVE, { member: member.id, role: ADMIN_ROLE_ID }),
      );
      expect(error.message).toContain('Forbidden resource');
      expect(await rolesOf(host, member.id)).toEqual([MEMBER_ROLE_ID]);
    });

    // Refused before anything is read, so it runs on a live Twenty too and changes nothing.
    hosts.it(
      'refuses the signed-in admin changing their own role (CANNOT_UPDATE_SELF_ROLE)',
      async () => {
        const host = await hosts.open();
        const admin = host.adminSession;
        const adminId = await memberIdOf(host, admin.token);
        const before = await rolesOf(host, adminId);
        const error = await failure(
          host.metadata(admin.token).request(MOVE, { member: adminId, role: MEMBER_ROLE_ID }),
        );
        expect(error.has('FORBIDDEN')).toBe(true);
        expect(error.has('CANNOT_UPDATE_SELF_ROLE')).toBe(true);
        expect(error.message).toContain('Cannot update self role');
        expect(await rolesOf(host, adminId)).toEqual(before);
      },
    );

    changing.it("lets the signed-in admin's session move another member, and back", async () => {
      const host = await hosts.open();
      const admin = host.metadata(host.adminSession.token);
      const member = host.member(0);
      const moved = await admin.request<{
        updateWorkspaceMemberRole: { id: string; roles: { id: string }[] };
      }>(MOVE, { member: member.id, role: ADMIN_ROLE_ID });
      expect(moved.updateWorkspaceMemberRole).toEqual({
        id: member.id,
        roles: [{ id: ADMIN_ROLE_ID }],
      });
      await admin.request(MOVE, { member: member.id, role: MEMBER_ROLE_ID });
      expect(await rolesOf(host, member.id)).toEqual([MEMBER_ROLE_ID]);
    });

    changing.it('still lets the API key write roles: only member moves need a person', async () => {
      const host = await hosts.open();
      const created = await host.adminMetadata.request<{ createOneRole: { id: string } }>(
        'mutation Role($input: CreateRoleInput!) { createOneRole(createRoleInput: $input) { id } }',
        { input: { label: 'Key-made role', canReadAllObjectRecords: false } },
      );
      expect(created.createOneRole.id).toMatch(/[0-9a-f-]{36}/);
    });
  });
}
