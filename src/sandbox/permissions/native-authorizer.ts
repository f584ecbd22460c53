/**
 * The sandbox's `Authorizer` with Twenty's native semantics for the caller's role: object
 * permissions, field permissions (a deny-list) and row-level predicates.
 */
import type { Authorizer, CoreOperation, OperationRequest } from '../authorizer.js';
import type {
  Principal,
  SandboxField,
  SandboxObject,
  SandboxRecord,
  WorkspaceState,
} from '../workspace.js';
import { joinColumnOf } from '../../host/core-schema/object-metadata.js';
import {
  fieldPermissionDenied,
  permissionDenied,
  rowLevelPermissionViolated,
  unknownColumn,
} from './errors.js';
import type { ObjectRecordsPermissions, RestrictedFields } from './role-permissions.js';
import { objectPermissionsOf } from './role-permissions.js';
import { compileRowLevelFilter } from './rls.js';

export interface NativeAuthorizer extends Authorizer {
  /**
   * Throws when a record as inserted or updated falls outside the role's row-level predicates
   * (repo `twenty-orm/utils/validate-rls-predicates-for-records.util.ts`, run after the write).
   */
  checkWrittenRecords(
    principal: Principal,
    object: SandboxObject,
    operation: 'insert' | 'update',
    records: readonly SandboxRecord[],
  ): void;
}

export function nativeAuthorizer(getState: () => WorkspaceState): NativeAuthorizer {
  return {
    check: (request) => {
      checkOperation(getState(), request);
    },
    rowFilter: (principal, object) => rowFilterOf(getState(), principal, object),
    checkWrittenRecords: (principal, object, operation, records) => {
      const state = getState();
      const filter = writeFilterOf(state, principal, object, operation);
      if (filter === undefined) return;
      if (records.some((record) => !filter(record))) throw rowLevelPermissionViolated();
    },
  };
}

/**
 * The role Twenty resolves for the caller: the member's or the API key's current role in the
 * workspace (one role each, HOST-CONTRACT §D). A caller the workspace does not know has none.
 */
function roleIdOf(state: WorkspaceState, principal: Principal | undefined): string | undefined {
  if (principal === undefined) return undefined;
  if (principal.kind === 'member') {
    return state.members.find((member) => member.id === principal.memberId)?.roleId;
  }
  return state.apiKeys.find((apiKey) => apiKey.id === principal.apiKeyId)?.roleId;
}

function permissionsFor(
  state: WorkspaceState,
  principal: Principal | undefined,
  object: SandboxObject,
): ObjectRecordsPermissions | undefined {
  const roleId = roleIdOf(state, principal);
  return roleId === undefined ? undefined : objectPermissionsOf(state, roleId)[object.id];
}

/**
 * Repo `twenty-orm/repository/permissions.utils.ts`, `validateOperationIsPermittedOrThrow`:
 * select needs canRead; insert and update need canUpdate; delete (destroy) needs canDestroy;
 * soft-delete and restore need canSoftDelete; then every operation checks the read restrictions
 * of the columns it selects, and insert and update the write restrictions of the columns they
 * write (on insert, fields carrying the role's row-level predicates are exempt).
 * An unknown object, role or caller: PERMISSION_DENIED.
 */
function checkOperation(state: WorkspaceState, request: OperationRequest): void {
  const permissions = permissionsFor(state, request.principal, request.object);
  if (permissions === undefined || !isPermitted(permissions, request.operation)) {
    throw permissionDenied();
  }
  const object = request.object;
  checkReadableFields(object, permissions.restrictedFields, request.selectedFields);
  if (request.operation === 'insert') {
    const exempt = rowLevelFieldIds(state, request.principal, object);
    const written = request.updatedFields.filter((name) => {
      const id = fieldOfColumn(object, name)?.id;
      return id === undefined || !exempt.has(id);
    });
    checkWritableFields(object, permissions.restrictedFields, written);
  }
  if (request.operation === 'update') {
    checkWritableFields(object, permissions.restrictedFields, request.updatedFields);
  }
}

/**
 * The object permission each operation needs (same util, and
 * `twenty-orm/utils/is-object-operation-permitted.util.ts`). Every mutation also needs canRead:
 * the update resolver reads the records it changes through a select (repo
 * `graphql-query-runner/resolvers/graphql-query-update-one-resolver.service.ts`), and the
 * others return the records they touch (UNVERIFIED for insert, delete, destroy and restore;
 * the metadata API refuses write permissions without read anyway).
 */
function isPermitted(permissions: ObjectRecordsPermissions, operation: CoreOperation): boolean {
  if (!permissions.canRead) return false;
  switch (operation) {
    case 'select':
      return true;
    case 'insert':
    case 'update':
      return permissions.canUpdate;
    case 'delete':
      return permissions.canDestroy;
    case 'soft-delete':
    case 'restore':
      return permissions.canSoftDelete;
  }
}

/** A field by its name or, for a many-to-one relation, its join column (`companyId`). */
function fieldOfColumn(object: SandboxObject, column: string): SandboxField | undefined {
  return object.fields.find((field) => field.name === column || joinColumnOf(field) === column);
}

function checkReadableFields(
  object: SandboxObject,
  restricted: RestrictedFields,
  columns: readonly string[],
): void {
  const hasReadRestriction = Object.values(restricted).some((field) => field.canRead === false);
  if (!hasReadRestriction) return;
  for (const column of columns) {
    const field = fieldOfColumn(object, column);
    if (field === undefined) throw unknownColumn(column);
    if (restricted[field.id]?.canRead === false) {
      throw fieldPermissionDenied('read', field.name, object.nameSingular);
    }
  }
}

function checkWritableFields(
  object: SandboxObject,
  restricted: RestrictedFields,
  columns: readonly string[],
): void {
  if (Object.keys(restricted).length === 0) return;
  for (const column of columns) {
    const field = fieldOfColumn(object, column);
    if (field === undefined) throw unknownColumn(column);
    if (restricted[field.id]?.canUpdate === false) {
      throw fieldPermissionDenied('write', field.name, object.nameSingular);
    }
  }
}

/** The fields the caller's role has row-level predicates on, for this object. */
function rowLevelFieldIds(
  state: WorkspaceState,
  principal: Principal,
  object: SandboxObject,
): Set<string> {
  const roleId = roleIdOf(state, principal);
  const role = state.roles.find((candidate) => candidate.id === roleId);
  const predicates = role?.rowLevelPermissionPredicates ?? [];
  return new Set(
    predicates
      .filter((predicate) => predicate.objectMetadataId === object.id)
      .map((predicate) => predicate.fieldMetadataId),
  );
}

/** The current workspace member's record (`state.records.workspaceMember`); none for a key. */
function memberRecordOf(state: WorkspaceState, principal: Principal): SandboxRecord | undefined {
  if (principal.kind !== 'member') return undefined;
  const record = state.records.workspaceMember?.[principal.memberId];
  return record ?? { id: principal.memberId, createdAt: '', updatedAt: '', deletedAt: null };
}

/**
 * Row-level predicates apply to members and API keys alike (PR #22456,
 * `resolveRoleIdFromAuthContext`); a caller with no role reaches no row.
 */
function rowFilterOf(
  state: WorkspaceState,
  principal: Principal | undefined,
  object: SandboxObject,
): ((record: SandboxRecord) => boolean) | undefined {
  const roleId = roleIdOf(state, principal);
  if (principal === undefined || roleId === undefined) return () => false;
  const member = memberRecordOf(state, principal);
  return compileRowLevelFilter({ state, roleId, object, member });
}

function writeFilterOf(
  state: WorkspaceState,
  principal: Principal,
  object: SandboxObject,
  operation: 'insert' | 'update',
): ((record: SandboxRecord) => boolean) | undefined {
  const roleId = roleIdOf(state, principal);
  if (roleId === undefined) return () => false;
  const member = memberRecordOf(state, principal);
  const insertRestrictedFields =
    operation === 'insert'
      ? (objectPermissionsOf(state, roleId)[object.id]?.restrictedFields ?? {})
      : undefined;
  return compileRowLevelFilter({ state, roleId, object, member, insertRestrictedFields });
}
