/**
 * The member moves Twenty refuses, found before apply tries them, so plan and drift can say
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
import type { AssignmentChange } from './plan-types.js';

export const LAST_ADMIN_REFUSAL =
  'Twenty does not let the last member with the Admin role lose it: give another member Admin first';
export const SELF_REFUSAL =
  'Twenty does not let a member change their own role, and Tiergate acts with this member’s token: apply with another admin’s token';

export interface RefusalContext {
  /** Assignment keys of Twenty's Admin role (read-host.ts `adminRoleKeys`). */
  readonly adminRoleKeys?: ReadonlySet<string>;
  /** The workspace member whose token Tiergate acts with; none for an API key. */
  readonly actingMemberId?: string;
  /** Members who held Admin at the last apply: the one kept on it when one must stay. */
  readonly incumbentAdmins?: ReadonlySet<string>;
}

/** Of the admins all moving away, the one Twenty will keep: an incumbent first, then by id. */
function keptAdmin(leaving: readonly AssignmentChange[], context: RefusalContext): string {
  const ids = leaving.map((move) => move.memberId).sort();
  const incumbent = ids.find((id) => context.incumbentAdmins?.has(id) === true);
  return incumbent ?? ids[0] ?? '';
}

/** Member id → why Twenty will refuse the move; moves not named here go through. */
export function refusedMoves(
  moves: readonly AssignmentChange[],
  actual: HostPermissionState,
  context: RefusalContext,
): Map<string, string> {
  const refused = new Map<string, string>();
  const acting = context.actingMemberId;
  if (acting !== undefined && moves.some((move) => move.memberId === acting)) {
    refused.set(acting, SELF_REFUSAL);
  }
  for (const adminKey of context.adminRoleKeys ?? []) {
    const holders = Object.values(actual.assignments).filter((key) => key === adminKey).length;
    const leaving = moves.filter((m) => m.before === adminKey && !refused.has(m.memberId));
    if (holders > 0 && leaving.length >= holders) {
      refused.set(keptAdmin(leaving, context), LAST_ADMIN_REFUSAL);
    }
  }
  return refused;
}
