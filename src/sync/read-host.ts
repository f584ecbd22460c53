/**
 * Reads the permission state Twenty holds (one `getRoles` query) into the shape `plan` compares
 * against (host-state.ts), with the host ids `apply` needs to address roles by key.
 *
 * - A role is managed when its description carries a Tiergate key (`Managed by Tiergate (key)`,
 *   as compile writes it); only managed roles go into `state.roles`.
 * - Every member is in `state.assignments`: under its managed role's key, or, when it holds a
 *   role Tiergate does not manage, under `host:<roleId>`. Plan must see those members (to move
 *   them onto a managed role, and so a deletion is never wrongly blocked), and the `host:`
 *   prefix can never collide with a policy key, so `managedRoleKeys` can refuse it.
 * - Twenty's nullable values are resolved as Twenty enforces them: an object switch left null
 *   follows the role's `can*AllObjectRecords`; a field value left null is not restricted.
 * - Row-level predicates and groups link by host id; they are rebuilt with index links, groups
 *   and predicates ordered by their position so that reading twice gives equal results.
 */
import type { HostClient } from '../host/client.js';
import { SyncRolesDocument, type SyncRolesQuery } from '../host/generated/metadata.js';
import type {
  HostFieldPermission,
  HostObjectPermission,
  HostPermissionState,
  HostRlsGroup,
  HostRlsOperand,
  HostRlsPredicate,
  HostRole,
} from './host-state.js';

type HostRoleRow = SyncRolesQuery['getRoles'][number];
type PredicateRow = NonNullable<HostRoleRow['rowLevelPermissionPredicates']>[number];
type GroupRow = NonNullable<HostRoleRow['rowLevelPermissionPredicateGroups']>[number];

export interface UnmanagedRole {
  readonly id: string;
  readonly label: string;
  /**
   * Twenty's Admin role: the one standard role that is not editable (repo `workspace-manager/
   * workspace-sync-metadata/standard-roles/roles/admin-role.ts`). Twenty keeps at least one
   * member on it (`user-role.service.ts` `validateMoreThanOneWorkspaceMemberHasAdminRoleOrThrow`).
   */
  readonly admin: boolean;
  /** Workspace member ids holding the role. */
  readonly members: readonly string[];
}

export interface HostReading {
  readonly state: HostPermissionState;
  /** Managed role key → the role's host id. */
  readonly roleIds: Map<string, string>;
  readonly unmanaged: readonly UnmanagedRole[];
}

/** The assignment keys of Twenty's Admin role (one in practice). */
export function adminRoleKeys(reading: HostReading): Set<string> {
  return new Set(reading.unmanaged.filter((r) => r.admin).map((r) => unmanagedRoleKey(r.id)));
}

/** The assignment key of a member holding a role Tiergate does not manage. */
export function unmanagedRoleKey(roleId: string): string {
  return `host:${roleId}`;
}

const KEY_PATTERN = /Managed by Tiergate \(([^()\s]+)\)/;

/** The Tiergate key written in a role's description, if any. */
export function managedKeyOf(description: string | null): string | undefined {
  return description === null ? undefined : KEY_PATTERN.exec(description)?.[1];
}

function objectPermissionOf(
  row: NonNullable<HostRoleRow['objectPermissions']>[number],
  role: HostRoleRow,
): HostObjectPermission {
  return {
    objectMetadataId: row.objectMetadataId,
    canReadObjectRecords: row.canReadObjectRecords ?? role.canReadAllObjectRecords,
    canUpdateObjectRecords: row.canUpdateObjectRecords ?? role.canUpdateAllObjectRecords,
    canSoftDeleteObjectRecords:
      row.canSoftDeleteObjectRecords ?? role.canSoftDeleteAllObjectRecords,
    canDestroyObjectRecords: row.canDestroyObjectRecords ?? role.canDestroyAllObjectRecords,
  };
}

function fieldPermissionOf(
  row: NonNullable<HostRoleRow['fieldPermissions']>[number],
): HostFieldPermission {
  return {
    objectMetadataId: row.objectMetadataId,
    fieldMetadataId: row.fieldMetadataId,
    canReadFieldValue: row.canReadFieldValue ?? true,
    canUpdateFieldValue: row.canUpdateFieldValue ?? true,
  };
}

function byPosition<
  T extends { id: string; positionInRowLevelPermissionPredicateGroup: number | null },
>(rows: readonly T[]): T[] {
  const position = (row: T) => row.positionInRowLevelPermissionPredicateGroup ?? 0;
  return [...rows].sort((a, b) => position(a) - position(b) || (a.id < b.id ? -1 : 1));
}

function groupOf(row: GroupRow, index: ReadonlyMap<string, number>): HostRlsGroup {
  const parent = index.get(row.parentRowLevelPermissionPredicateGroupId ?? '');
  return {
    objectMetadataId: row.objectMetadataId,
    logicalOperator: row.logicalOperator,
    ...(parent === undefined ? {} : { parent }),
  };
}

function predicateOf(row: PredicateRow, index: ReadonlyMap<string, number>): HostRlsPredicate {
  const group = index.get(row.rowLevelPermissionPredicateGroupId ?? '');
  return {
    objectMetadataId: row.objectMetadataId,
    fieldMetadataId: row.fieldMetadataId,
    // Twenty knows more operands than compile emits; one outside the list is kept as it is,
    // so plan sees it as a difference and replaces it.
    operand: row.operand as HostRlsOperand,
    ...(row.value === null || row.value === undefined ? {} : { value: row.value }),
    ...(row.subFieldName === null ? {} : { subFieldName: row.subFieldName }),
    ...(row.workspaceMemberFieldMetadataId === null
      ? {}
      : { workspaceMemberFieldMetadataId: row.workspaceMemberFieldMetadataId }),
    ...(group === undefined ? {} : { group }),
  };
}

function rowLevelOf(role: HostRoleRow): HostRole['rowLevel'] {
  const predicates = role.rowLevelPermissionPredicates ?? [];
  const groups = role.rowLevelPermissionPredicateGroups ?? [];
  const objectIds = new Set([...predicates, ...groups].map((row) => row.objectMetadataId));
  const rowLevel: Record<string, { predicates: HostRlsPredicate[]; groups: HostRlsGroup[] }> = {};
  for (const objectId of [...objectIds].sort()) {
    const ownGroups = byPosition(groups.filter((g) => g.objectMetadataId === objectId));
    const index = new Map(ownGroups.map((g, i) => [g.id, i]));
    rowLevel[objectId] = {
      groups: ownGroups.map((g) => groupOf(g, index)),
      predicates: byPosition(predicates.filter((p) => p.objectMetadataId === objectId)).map((p) =>
        predicateOf(p, index),
      ),
    };
  }
  return rowLevel;
}

function hostRoleOf(key: string, role: HostRoleRow): HostRole {
  return {
    key,
    label: role.label,
    description: role.description ?? '',
    canReadAllObjectRecords: role.canReadAllObjectRecords,
    canUpdateAllObjectRecords: role.canUpdateAllObjectRecords,
    canSoftDeleteAllObjectRecords: role.canSoftDeleteAllObjectRecords,
    canDestroyAllObjectRecords: role.canDestroyAllObjectRecords,
    objectPermissions: (role.objectPermissions ?? []).map((p) => objectPermissionOf(p, role)),
    fieldPermissions: (role.fieldPermissions ?? []).map(fieldPermissionOf),
    rowLevel: rowLevelOf(role),
  };
}

/** Maps a `getRoles` answer to the host state; see the module comment for the rules. */
export function hostReadingOf(rows: readonly HostRoleRow[]): HostReading {
  const roles: HostRole[] = [];
  const roleIds = new Map<string, string>();
  const unmanaged: UnmanagedRole[] = [];
  const assignments: Record<string, string> = {};
  for (const row of rows) {
    const members = row.workspaceMembers.map((m) => m.id);
    const key = managedKeyOf(row.description);
    if (key === undefined) {
      unmanaged.push({ id: row.id, label: row.label, admin: !row.isEditable, members });
    } else {
      if (roleIds.has(key)) throw new Error(`two host roles carry the Tiergate key ${key}`);
      roles.push(hostRoleOf(key, row));
      roleIds.set(key, row.id);
    }
    for (const member of members) assignments[member] = key ?? unmanagedRoleKey(row.id);
  }
  roles.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { state: { roles, assignments }, roleIds, unmanaged };
}

/** Reads every role of the workspace (one request). */
export async function readHostState(metadata: HostClient): Promise<HostReading> {
  const answer = await metadata.request(SyncRolesDocument);
  return hostReadingOf(answer.getRoles);
}
