/**
 * `upsertRowLevelPermissionPredicates` (repo `metadata-modules/row-level-permission-predicate/
 * services/row-level-permission-predicate.service.ts`, `upsertRowLevelPermissionPredicates`).
 *
 * After the ROLES check, the entitlement: without it Twenty throws `RowLevelPermissionPredicate
 * Exception('Row level permission predicate feature is disabled', ROW_LEVEL_PERMISSION_FEATURE_
 * DISABLED)`, which its handler turns into a ForbiddenError: `extensions.code` FORBIDDEN,
 * `extensions.subCode` ROW_LEVEL_PERMISSION_FEATURE_DISABLED.
 *
 * Replace, not merge (HOST-CONTRACT §D left this UNVERIFIED): the input is the complete set for
 * (role, object). An input row whose `id` names a live predicate or group updates it, any other
 * row is created (with a new id), and every existing predicate or group of that role and object
 * that the input does not name is deleted (`computePredicateOperations`,
 * `computePredicateGroupOperations`: `predicatesToDelete = existing.filter(not in input ids)`).
 * Predicates and groups of the role on other objects are untouched.
 */
import { z } from 'zod';
import type {
  RlsPredicate,
  RlsPredicateGroup,
  SandboxObject,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { metadataError, objectMetadataNotFound, permissionsError } from './errors.js';
import { findObject } from './object-views.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { editableRoleOrThrow, replaceRole } from './role-state.js';
import { rowLevelViews } from './role-views.js';

const OPERANDS = [
  'IS',
  'IS_NOT',
  'IS_NOT_NULL',
  'LESS_THAN_OR_EQUAL',
  'GREATER_THAN_OR_EQUAL',
  'IS_BEFORE',
  'IS_AFTER',
  'CONTAINS',
  'DOES_NOT_CONTAIN',
  'IS_EMPTY',
  'IS_NOT_EMPTY',
  'IS_RELATIVE',
  'IS_IN_PAST',
  'IS_IN_FUTURE',
  'IS_TODAY',
  'VECTOR_SEARCH',
] as const;

const upsertArgs = z.object({
  input: z.object({
    roleId: z.string(),
    objectMetadataId: z.string(),
    predicates: z.array(
      z.object({
        id: z.string().nullish(),
        fieldMetadataId: z.string(),
        operand: z.enum(OPERANDS),
        value: z.unknown().optional(),
        subFieldName: z.string().nullish(),
        workspaceMemberFieldMetadataId: z.string().nullish(),
        workspaceMemberSubFieldName: z.string().nullish(),
        rowLevelPermissionPredicateGroupId: z.string().nullish(),
        positionInRowLevelPermissionPredicateGroup: z.number().nullish(),
      }),
    ),
    predicateGroups: z.array(
      z.object({
        id: z.string().nullish(),
        objectMetadataId: z.string(),
        parentRowLevelPermissionPredicateGroupId: z.string().nullish(),
        logicalOperator: z.enum(['AND', 'OR']),
        positionInRowLevelPermissionPredicateGroup: z.number().nullish(),
      }),
    ),
  }),
});

type UpsertInput = z.output<typeof upsertArgs>['input'];

/** `ensureRowLevelPermissionEntitlement`. */
function requireRlsEntitlement(state: WorkspaceState): void {
  if (!state.rlsEnabled) {
    throw metadataError('Row level permission predicate feature is disabled', 'FORBIDDEN', {
      subCode: 'ROW_LEVEL_PERMISSION_FEATURE_DISABLED',
    });
  }
}

function invalidData(message: string): never {
  throw permissionsError('BAD_USER_INPUT', 'INVALID_ROW_LEVEL_PERMISSION_PREDICATE_DATA', message);
}

/** A live id keeps its row; anything else gets a new one. */
function keptOrNewId(context: MetadataContext, id: string | null | undefined, live: Set<string>) {
  return id != null && live.has(id) ? id : context.deps.newId();
}

function groupsFrom(context: MetadataContext, role: SandboxRole, input: UpsertInput) {
  const live = new Set(role.rowLevelPermissionPredicateGroups.map((group) => group.id));
  const ids = input.predicateGroups.map((group) => keptOrNewId(context, group.id, live));
  const idFor = new Map<string, string>();
  input.predicateGroups.forEach((group, index) => {
    const id = ids[index];
    if (group.id != null && id !== undefined) idFor.set(group.id, id);
  });
  const resolve = (id: string | null | undefined): string | null => {
    if (id == null) return null;
    return idFor.get(id) ?? invalidData(`Predicate group ${id} is not in the upserted groups`);
  };
  const groups: RlsPredicateGroup[] = input.predicateGroups.map((group, index) => ({
    id: ids[index] ?? context.deps.newId(),
    objectMetadataId: input.objectMetadataId,
    logicalOperator: group.logicalOperator,
    parentRowLevelPermissionPredicateGroupId: resolve(
      group.parentRowLevelPermissionPredicateGroupId,
    ),
    positionInRowLevelPermissionPredicateGroup:
      group.positionInRowLevelPermissionPredicateGroup ?? null,
  }));
  return { groups, resolve };
}

function predicatesFrom(
  context: MetadataContext,
  role: SandboxRole,
  object: SandboxObject,
  input: UpsertInput,
  resolveGroup: (id: string | null | undefined) => string | null,
): RlsPredicate[] {
  const live = new Set(role.rowLevelPermissionPredicates.map((predicate) => predicate.id));
  return input.predicates.map((predicate) => {
    if (!object.fields.some((field) => field.id === predicate.fieldMetadataId)) {
      throw permissionsError('NOT_FOUND', 'FIELD_METADATA_NOT_FOUND', 'Field metadata not found');
    }
    return {
      id: keptOrNewId(context, predicate.id, live),
      objectMetadataId: object.id,
      fieldMetadataId: predicate.fieldMetadataId,
      operand: predicate.operand,
      value: predicate.value ?? null,
      subFieldName: predicate.subFieldName ?? null,
      workspaceMemberFieldMetadataId: predicate.workspaceMemberFieldMetadataId ?? null,
      workspaceMemberSubFieldName: predicate.workspaceMemberSubFieldName ?? null,
      rowLevelPermissionPredicateGroupId: resolveGroup(
        predicate.rowLevelPermissionPredicateGroupId,
      ),
      positionInRowLevelPermissionPredicateGroup:
        predicate.positionInRowLevelPermissionPredicateGroup ?? null,
    };
  });
}

/** The role with its predicates and groups on `objectId` replaced by the new sets. */
function replacedOnObject(
  role: SandboxRole,
  objectId: string,
  predicates: RlsPredicate[],
  groups: RlsPredicateGroup[],
): SandboxRole {
  return {
    ...role,
    rowLevelPermissionPredicates: [
      ...role.rowLevelPermissionPredicates.filter((p) => p.objectMetadataId !== objectId),
      ...predicates,
    ],
    rowLevelPermissionPredicateGroups: [
      ...role.rowLevelPermissionPredicateGroups.filter((g) => g.objectMetadataId !== objectId),
      ...groups,
    ],
  };
}

const upsertRowLevelPermissionPredicates: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  requireRlsEntitlement(stateOf(context));
  const input = parseArgs(upsertArgs, args).input;
  const role = commit(context, (state) => {
    const current = editableRoleOrThrow(state, input.roleId);
    const object = findObject(state, input.objectMetadataId);
    if (object === undefined) throw objectMetadataNotFound();
    const { groups, resolve } = groupsFrom(context, current, input);
    const predicates = predicatesFrom(context, current, object, input, resolve);
    const next = replacedOnObject(current, object.id, predicates, groups);
    return { state: replaceRole(state, next), result: next };
  });
  return rowLevelViews(stateOf(context), role, input.objectMetadataId);
};

export const rowLevelResolvers: Readonly<Record<string, RootResolver>> = {
  upsertRowLevelPermissionPredicates,
};
