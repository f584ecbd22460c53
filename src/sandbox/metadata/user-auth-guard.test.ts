import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE,
  ALICE,
  BOB,
  MEMBER_ROLE,
  firstError,
  harness,
} from './fixture.test-support.js';

const ASSIGN = `
  mutation Assign($workspaceMemberId: UUID!, $roleId: UUID!) {
    updateWorkspaceMemberRole(workspaceMemberId: $workspaceMemberId, roleId: $roleId) { id }
  }`;

/** Nest's refusal when a guard returns false, as Twenty's error hook passes it on. */
const FORBIDDEN_RESOURCE = {
  message: 'Forbidden resource',
  extensions: { code: 'INTERNAL_SERVER_ERROR', userFriendlyMessage: 'An error occurred.' },
};

describe('updateWorkspaceMemberRole behind UserAuthGuard', () => {
  it('refuses an admin API key and moves nobody', async () => {
    const { run, state } = harness();
    const before = state();
    const adminKey = { kind: 'apiKey', apiKeyId: 'key-admin', roleId: ADMIN_ROLE.id } as const;
    const result = await run(
      ASSIGN,
      { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id },
      adminKey,
    );
    expect(firstError(result)).toEqual(FORBIDDEN_RESOURCE);
    expect(state()).toBe(before);
  });

  it('refuses an application acting as an admin member', async () => {
    const { run, state } = harness();
    const before = state();
    const result = await run(
      ASSIGN,
      { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id },
      { kind: 'member', memberId: ALICE.id, roleId: ADMIN_ROLE.id, actingAsWorkspaceMember: true },
    );
    expect(firstError(result)).toEqual(FORBIDDEN_RESOURCE);
    expect(state()).toBe(before);
  });

  it('answers an API key without the roles setting with the settings refusal first', async () => {
    const { run } = harness();
    const key = { kind: 'apiKey', apiKeyId: 'key-member', roleId: MEMBER_ROLE.id } as const;
    const result = await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id }, key);
    expect(firstError(result)?.extensions).toMatchObject({ subCode: 'PERMISSION_DENIED' });
  });

  it("lets an admin's own session move another member", async () => {
    const { run, state } = harness();
    const result = await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id });
    expect(result.errors).toBeUndefined();
    expect(state().members.find((m) => m.id === BOB.id)?.roleId).toBe(ADMIN_ROLE.id);
  });
});
