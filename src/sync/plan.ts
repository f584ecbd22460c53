/**
 * `tiergate plan`: the difference between the desired host state (compiled from the policy) and
 * the state read from Twenty, grouped by role. Pure: no I/O. Only roles `managedRoleKeys`
 * accepts are touched; a member is moved off any other role unless Twenty refuses the move
 * (plan-refusals.ts), and a role is deleted only when no member would be left holding it.
 */
import type { HostPermissionState, HostRole } from './host-state.js';
import {
  fieldPermissionChanges,
  fieldRestrictions,
  objectPermissionChanges,
  rowLevelChanges,
} from './plan-compare.js';
import { refusedMoves } from './plan-refusals.js';
import {
  ROLE_SETTING_FIELDS,
  type AssignmentChange,
  type DiffOptions,
  type HostPlan,
  type PlanCounts,
  type RolePlan,
  type SettingChange,
  type SkippedAssignment,
} from './plan-types.js';

export type * from './plan-types.js';
export { operationsFor } from './plan-operations.js';
export { formatPlan, planJson } from './plan-format.js';

function managedRoles(
  roles: readonly HostRole[],
  managed: (key: string) => boolean,
): Map<string, HostRole> {
  const byKey = new Map<string, HostRole>();
  for (const role of roles) {
    if (byKey.has(role.key)) throw new Error(`two roles share the key ${role.key}`);
    if (managed(role.key)) byKey.set(role.key, role);
  }
  return byKey;
}

function settingChanges(desired: HostRole, actual: HostRole | undefined): SettingChange[] {
  return ROLE_SETTING_FIELDS.flatMap((field): SettingChange[] => {
    const after = desired[field];
    if (actual === undefined) return [{ field, after }];
    return actual[field] === after ? [] : [{ field, before: actual[field], after }];
  });
}

function planRole(
  key: string,
  desired: HostRole | undefined,
  actual: HostRole | undefined,
): RolePlan {
  if (desired === undefined) {
    const label = actual?.label ?? key;
    return {
      key,
      label,
      change: 'delete',
      objectPermissions: [],
      fieldPermissions: [],
      rowLevel: [],
    };
  }
  const settings = settingChanges(desired, actual);
  const objectPermissions = objectPermissionChanges(desired, actual);
  const fieldPermissions = fieldPermissionChanges(desired, actual);
  const rowLevel = rowLevelChanges(desired, actual);
  const changed =
    settings.length + objectPermissions.length + fieldPermissions.length + rowLevel.length > 0;
  const change = actual === undefined ? 'create' : changed ? 'update' : 'unchanged';
  return {
    key,
    label: desired.label,
    change,
    settings,
    objectPermissions,
    objectPermissionSet: desired.objectPermissions,
    fieldPermissions,
    fieldRestrictions: fieldRestrictions(desired),
    rowLevel,
  };
}

function planAssignments(
  desired: HostPermissionState,
  actual: HostPermissionState,
  targets: ReadonlySet<string>,
  options: DiffOptions,
): { assignments: AssignmentChange[]; skippedAssignments: SkippedAssignment[] } {
  const moves: AssignmentChange[] = [];
  const skippedAssignments: SkippedAssignment[] = [];
  for (const memberId of Object.keys(desired.assignments).sort()) {
    const wanted = desired.assignments[memberId];
    const before = actual.assignments[memberId];
    if (wanted === undefined || wanted === before) continue;
    const from = before === undefined ? {} : { before };
    if (!targets.has(wanted)) {
      const reason = 'not a managed role of the desired state';
      skippedAssignments.push({ memberId, ...from, wanted, reason });
    } else {
      moves.push({ memberId, ...from, after: wanted });
    }
  }
  // Whatever role a member holds now (Admin, or any role Tiergate does not manage), it is moved
  // unless Twenty itself refuses; those are reported with Twenty's reason.
  const refused = refusedMoves(moves, actual, options);
  for (const move of moves) {
    const refusal = refused.get(move.memberId);
    if (refusal === undefined) continue;
    const { after, ...rest } = move;
    skippedAssignments.push({ ...rest, wanted: after, ...refusal });
  }
  skippedAssignments.sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
  const assignments = moves.filter((move) => !refused.has(move.memberId));
  return { assignments, skippedAssignments };
}

/** A deletion is blocked while members who hold the role are not all moved elsewhere. */
function blockDeletion(
  role: RolePlan,
  actual: HostPermissionState,
  moved: ReadonlySet<string>,
): RolePlan {
  if (role.change !== 'delete') return role;
  const holders = Object.keys(actual.assignments)
    .filter((id) => actual.assignments[id] === role.key && !moved.has(id))
    .sort();
  if (holders.length === 0) return role;
  const noun = holders.length === 1 ? 'member' : 'members';
  return { ...role, blocked: `still held by ${holders.length} ${noun}: ${holders.join(', ')}` };
}

function countChanges(
  roles: readonly RolePlan[],
  assignments: readonly AssignmentChange[],
  skipped: readonly SkippedAssignment[],
): PlanCounts {
  const count = (kind: RolePlan['change']) =>
    roles.filter((r) => r.change === kind && r.blocked === undefined).length;
  const sum = (size: (r: RolePlan) => number) => roles.reduce((n, r) => n + size(r), 0);
  return {
    rolesToCreate: count('create'),
    rolesToUpdate: count('update'),
    rolesToDelete: count('delete'),
    objectPermissionChanges: sum((r) => r.objectPermissions.length),
    fieldPermissionChanges: sum((r) => r.fieldPermissions.length),
    rowLevelChanges: sum((r) => r.rowLevel.length),
    assignmentChanges: assignments.length,
    blocked: roles.filter((r) => r.blocked !== undefined).length + skipped.length,
  };
}

/** Compares the desired host state with the actual one; see the module comment for the rules. */
export function diffHostState(
  desired: HostPermissionState,
  actual: HostPermissionState,
  options: DiffOptions,
): HostPlan {
  const wanted = managedRoles(desired.roles, options.managedRoleKeys);
  const present = managedRoles(actual.roles, options.managedRoleKeys);
  const keys = [...new Set([...wanted.keys(), ...present.keys()])].sort();
  const { assignments, skippedAssignments } = planAssignments(
    desired,
    actual,
    new Set(wanted.keys()),
    options,
  );
  const moved = new Set(assignments.map((a) => a.memberId));
  const roles = keys.map((key) =>
    blockDeletion(planRole(key, wanted.get(key), present.get(key)), actual, moved),
  );
  const counts = countChanges(roles, assignments, skippedAssignments);
  const empty = Object.entries(counts).every(([name, n]) => name === 'blocked' || n === 0);
  return { roles, assignments, skippedAssignments, counts, empty };
}
