import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE,
  ALICE,
  BOB,
  MEMBER_ROLE,
  asMember,
  firstError,
  harness,
} from './fixture.test-support.js';

const ASSIGN = `
  mutation Assign($workspaceMemberId: UUID!, $roleId: UUID!) {
    updateWorkspaceMemberRole(workspaceMemberId: $workspaceMemberId, roleId: $roleId) { id }
  }`;

const SELF = {
  message: 'Cannot update self role',
  extensions: {
    code: 'FORBIDDEN',
    subCode: 'CANNOT_UPDATE_SELF_ROLE',
    userFriendlyMessage:
      'You cannot change your own role. Please ask another administrator to update your role.',
  },
};

describe('updateWorkspaceMemberRole on oneself', () => {
  it('refuses an admin changing their own role, even with another admin', async () => {
    const { run, state } = harness();
    await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id });
    const before = state();
    for (const roleId of [MEMBER_ROLE.id, ADMIN_ROLE.id]) {
      const result = await run(ASSIGN, { workspaceMemberId: ALICE.id, roleId });
      expect(firstError(result)).toEqual(SELF);
    }
    expect(state()).toBe(before);
  });

  it('refuses it to a member who holds the roles setting through another role', async () => {
    const { run } = harness();
    await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id });
    const bob = asMember({ ...BOB, roleId: ADMIN_ROLE.id });
    const result = await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: MEMBER_ROLE.id }, bob);
    expect(firstError(result)).toEqual(SELF);
  });

  it('lets another admin make the same change', async () => {
    const { run, state } = harness();
    await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id });
    const bob = asMember({ ...BOB, roleId: ADMIN_ROLE.id });
    const result = await run(ASSIGN, { workspaceMemberId: ALICE.id, roleId: MEMBER_ROLE.id }, bob);
    expect(result.errors).toBeUndefined();
    expect(state().members.find((m) => m.id === ALICE.id)?.roleId).toBe(MEMBER_ROLE.id);
  });
});
