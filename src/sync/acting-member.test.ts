/** Tiergate acting with a member's token never asks Twenty to change that member's own role. */
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import { applyOperations } from './apply.js';
import { hostFor, policyFor, syncWorld } from './apply-sandbox.test-support.js';
import { SELF_REFUSAL } from './plan-refusals.js';
import { openSession } from './session.js';

const server = mswServer();

describe('a sync session with a member token', () => {
  it('reports the acting member as refused, and applies everything else', async () => {
    const world = await syncWorld(server, false);
    const [other] = world.memberIds.values();
    if (other === undefined) throw new Error('no member');
    // A second admin, so the refusal is Twenty's own-role rule, not the last-admin one.
    const state = world.sandbox.state();
    await world.adminSession.metadata.request(
      `mutation { updateWorkspaceMemberRole(workspaceMemberId: "${other}", roleId: "${ADMIN_ROLE_ID}") { id } }`,
    );
    const admin = state.members.find((m) => m.id === world.adminMemberId);
    if (admin === undefined) throw new Error('no admin');
    const policy = policyFor([world.adminMemberId, ...world.memberIds.values()]);
    const host = hostFor(admin.token);
    const session = await openSession(host, policy);
    expect(session.plan.skippedAssignments).toEqual([
      {
        memberId: world.adminMemberId,
        before: `host:${ADMIN_ROLE_ID}`,
        wanted: 'rep@junior',
        reason: SELF_REFUSAL,
      },
    ]);
    const result = await applyOperations(
      host.metadata,
      session.operations,
      session.reading.roleIds,
      { members: host.metadata },
    );
    expect(result.mutations).toBe(session.operations.length);
    const roles = new Map(world.sandbox.state().members.map((m) => [m.id, m.roleId]));
    expect(roles.get(world.adminMemberId)).toBe(ADMIN_ROLE_ID);
    expect(roles.get(other)).not.toBe(ADMIN_ROLE_ID);
  }, 60_000);
});
