/**
 * One host mutation per `HostOperation`: the operation's inputs turned into the metadata API's
 * variables. Roles are addressed by host id, looked up by key in `roleIds` (which the executor
 * grows as it creates roles); a role key with no id is the caller's bug, not the host's.
 */
import { randomUUID } from 'node:crypto';
import type { HostClient } from '../host/client.js';
import {
  SyncCreateRoleDocument,
  SyncDeleteRoleDocument,
  SyncUpdateRoleDocument,
  SyncUpdateWorkspaceMemberRoleDocument,
  SyncUpsertFieldPermissionsDocument,
  SyncUpsertObjectPermissionsDocument,
  SyncUpsertRowLevelPermissionPredicatesDocument,
  type RowLevelPermissionPredicateGroupInput,
  type RowLevelPermissionPredicateInput,
} from '../host/generated/metadata.js';
import type { HostRlsGroup, HostRlsPredicate } from './host-state.js';
import type { HostOperation } from './plan-types.js';

export class MissingRoleIdError extends Error {
  override readonly name = 'MissingRoleIdError';
  constructor(readonly roleKey: string) {
    super(`no host id for role ${roleKey}: it was neither read from the host nor created`);
  }
}

function roleIdOf(roleIds: ReadonlyMap<string, string>, key: string): string {
  const id = roleIds.get(key);
  if (id === undefined) throw new MissingRoleIdError(key);
  return id;
}

/**
 * The row-level inputs with fresh group ids: Twenty links predicates to groups (and groups to
 * parents) by id, and the upsert replaces the role's whole set for the object, so new ids on
 * every call are safe. Positions follow list order, which read-host sorts by.
 */
export function rowLevelInputs(
  predicates: readonly HostRlsPredicate[],
  groups: readonly HostRlsGroup[],
  newId: () => string = randomUUID,
): {
  predicates: RowLevelPermissionPredicateInput[];
  predicateGroups: RowLevelPermissionPredicateGroupInput[];
} {
  const ids = groups.map(() => newId());
  const linked = (index: number | undefined): string | null => {
    if (index === undefined) return null;
    const id = ids[index];
    if (id === undefined) throw new Error(`row-level rules name missing group ${index}`);
    return id;
  };
  return {
    predicateGroups: groups.map((g, i) => ({
      id: ids[i] ?? null,
      objectMetadataId: g.objectMetadataId,
      parentRowLevelPermissionPredicateGroupId: linked(g.parent),
      logicalOperator: g.logicalOperator,
      positionInRowLevelPermissionPredicateGroup: i,
    })),
    predicates: predicates.map((p, i) => ({
      fieldMetadataId: p.fieldMetadataId,
      operand: p.operand,
      value: p.value ?? null,
      subFieldName: p.subFieldName ?? null,
      workspaceMemberFieldMetadataId: p.workspaceMemberFieldMetadataId ?? null,
      rowLevelPermissionPredicateGroupId: linked(p.group),
      positionInRowLevelPermissionPredicateGroup: i,
    })),
  };
}

/**
 * Sends the operation's one mutation. Resolves with the id of a created role (undefined for the
 * other kinds); rejects with the client's `HostError` on a host failure.
 */
export async function sendOperation(
  metadata: HostClient,
  op: HostOperation,
  roleIds: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  switch (op.kind) {
    case 'createRole': {
      // Said outright rather than left to the host's default: members are assigned to it next.
      const answer = await metadata.request(SyncCreateRoleDocument, {
        input: { ...op.input, canBeAssignedToUsers: true },
      });
      return answer.createOneRole.id;
    }
    case 'updateRole': {
      const id = roleIdOf(roleIds, op.roleKey);
      await metadata.request(SyncUpdateRoleDocument, { input: { id, update: op.update } });
      return undefined;
    }
    case 'upsertObjectPermissions': {
      const roleId = roleIdOf(roleIds, op.roleKey);
      const objectPermissions = [...op.objectPermissions];
      await metadata.request(SyncUpsertObjectPermissionsDocument, {
        input: { roleId, objectPermissions },
      });
      return undefined;
    }
    case 'upsertFieldPermissions': {
      const roleId = roleIdOf(roleIds, op.roleKey);
      const fieldPermissions = [...op.fieldPermissions];
      await metadata.request(SyncUpsertFieldPermissionsDocument, {
        input: { roleId, fieldPermissions },
      });
      return undefined;
    }
    case 'upsertRowLevelPermissionPredicates': {
      const roleId = roleIdOf(roleIds, op.roleKey);
      const rules = rowLevelInputs(op.predicates, op.predicateGroups);
      await metadata.request(SyncUpsertRowLevelPermissionPredicatesDocument, {
        input: { roleId, objectMetadataId: op.objectMetadataId, ...rules },
      });
      return undefined;
    }
    case 'updateWorkspaceMemberRole': {
      const roleId = roleIdOf(roleIds, op.roleKey);
      await metadata.request(SyncUpdateWorkspaceMemberRoleDocument, {
        workspaceMemberId: op.workspaceMemberId,
        roleId,
      });
      return undefined;
    }
    case 'deleteRole': {
      const roleId = roleIdOf(roleIds, op.roleKey);
      await metadata.request(SyncDeleteRoleDocument, { roleId });
      return undefined;
    }
  }
}
