/**
 * The member moves Twenty refuses, or that wait for an admin to sign in, found before apply
 * tries them, so plan and drift can say
 * which members stay where they are and why instead of failing half-way or staying silent.
 *
 * `updateWorkspaceMemberRole` (repo `packages/twenty-server/src/engine/metadata-modules/role/
 * role.resolver.ts`) refuses:
 * - a member changing their own role (`CANNOT_UPDATE_SELF_ROLE`);
 * - taking the Admin role from its last holder (`CANNOT_UNASSIGN_LAST_ADMIN`, `user-role/
 *   user-role.service.ts` `validateMoreThanOneWorkspaceMemberHasAdminRoleOrThrow`, checked one
 *   call at a time, so of several admins moved away the last one is refused);
 * - a role with `canBeAssignedToUsers: false` (`role-validation/services/role-validation.
 *   service.ts`): Tiergate creates its roles assignable to users, so it never asks for one.
 */
import type { HostPermissionState } from './host-state.js';
import type { AssignmentChange, RefusalContext } from './plan-types.js';

export const LAST_ADMIN_REFUSAL =
  'Twenty does not let the last member with the Admin role lose it: give another member Admin first';
export const SELF_REFUSAL =
  'Twenty does not let a member change their own role, and Tiergate acts with this member’s token: apply with another admin’s token';
export const SIGNED_IN_SELF_REFUSAL =
  'this is the signed-in admin, and Twenty lets nobody change their own role: sign in as another admin (tiergate login) to move them';

/**
 * Why a move waits without an admin session: `updateWorkspaceMemberRole` carries
 * `UserAuthGuard` (repo `engine/guards/user-auth.guard.ts`), which refuses every API key.
 */
export function waitingReason(loginCommand: string, sessionProblem?: string): string {
  if (sessionProblem !== undefined)
    return `waits for an admin session, since ${sessionProblem}: sign in again with ${loginCommand}`;
  return `waits for an admin session, since Twenty lets no API key move members: run ${loginCommand}`;
}

/** Why a move is not made, and whether it only waits for a sign-in. */
export interface Refusal {
  readonly reason: string;
  readonly waitsForAdmin?: true;
}

/** Of the admins all moving away, the one Twenty will keep: an incumbent first, then by id. */
function keptAdmin(leaving: readonly AssignmentChange[], context: RefusalContext): string {
  const ids = leaving.map((move) => move.memberId).sort();
  const incumbent = ids.find((id) => context.incumbentAdmins?.has(id) === true);
  return incumbent ?? ids[0] ?? '';
}

/** Member id → why the move is not made; moves not named here go through. */
export function refusedMoves(
  moves: readonly AssignmentChange[],
  actual: HostPermissionState,
  context: RefusalContext,
): Map<string, Refusal> {
  const refused = new Map<string, Refusal>();
  const mover = context.memberMover;
  if (mover?.kind === 'none') {
    const reason = waitingReason(mover.loginCommand, mover.sessionProblem);
    for (const move of moves) refused.set(move.memberId, { reason, waitsForAdmin: true });
    return refused;
  }
  const acting = mover?.kind === 'admin' ? mover.memberId : context.actingMemberId;
  if (acting !== undefined && moves.some((move) => move.memberId === acting)) {
    const reason = mover?.kind === 'admin' ? SIGNED_IN_SELF_REFUSAL : SELF_REFUSAL;
    refused.set(acting, { reason });
  }
  for (const adminKey of context.adminRoleKeys ?? []) {
    const holders = Object.values(actual.assignments).filter((key) => key === adminKey).length;
    const leaving = moves.filter((m) => m.before === adminKey && !refused.has(m.memberId));
    if (holders > 0 && leaving.length >= holders) {
      refused.set(keptAdmin(leaving, context), { reason: LAST_ADMIN_REFUSAL });
    }
  }
  return refused;
}
