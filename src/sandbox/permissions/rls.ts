/**
 * A role's row-level predicates and predicate groups on an object, compiled into a test on
 * records, as `buildRowLevelPermissionRecordFilter` (repo
 * `twenty-orm/utils/build-row-level-permission-record-filter.util.ts`) and twenty-shared's
 * `computeRecordGqlOperationFilter` / `turnRecordFilterGroupsIntoGqlOperationFilter` build the
 * WHERE clause.
 */
import type {
  RlsPredicate,
  RlsPredicateGroup,
  SandboxField,
  SandboxObject,
  SandboxRecord,
  WorkspaceState,
} from '../workspace.js';
import { isCompositeFieldType } from '../../host/core-schema/object-metadata.js';
import { compileFieldFilter } from './rls-field-filters.js';
import type { RowTest } from './rls-values.js';
import { DENY, isObject } from './rls-values.js';
import type { RestrictedFields } from './role-permissions.js';
import { roleById } from './role-permissions.js';
import type { Truth } from './sql-logic.js';
import { and, or } from './sql-logic.js';

export interface RowLevelScope {
  readonly state: WorkspaceState;
  readonly roleId: string;
  readonly object: SandboxObject;
  /** The current workspace member's record; undefined for an API key. */
  readonly member: SandboxRecord | undefined;
  readonly now?: Date;
  /**
   * For checking a record being inserted: the role's field restrictions on the object, so that
   * predicates on fields it cannot write drop out (repo
   * `twenty-orm/utils/validate-rls-predicates-for-records.util.ts`,
   * `filterOutNonEditableFieldPredicates`: "non-editable fields use system defaults").
   */
  readonly insertRestrictedFields?: RestrictedFields;
}

export type RowLevelFilter = (record: SandboxRecord) => boolean;

/**
 * undefined when no predicate applies: the workspace is not entitled to row-level permissions
 * (HOST-CONTRACT §D plan gate: predicates cannot exist, none is enforced), the role has none on
 * the object, or all of them dropped out. An unknown role reaches no row.
 */
export function compileRowLevelFilter(scope: RowLevelScope): RowLevelFilter | undefined {
  if (!scope.state.rlsEnabled) return undefined;
  const role = roleById(scope.state, scope.roleId);
  if (role === undefined) return () => false;
  const predicates = role.rowLevelPermissionPredicates.filter(
    (predicate) => predicate.objectMetadataId === scope.object.id,
  );
  if (predicates.length === 0) return undefined;
  const compiled = new Map(predicates.map((p) => [p, compilePredicate(p, scope)] as const));
  const regular = predicates
    .filter((predicate) => predicate.rowLevelPermissionPredicateGroupId == null)
    .map((predicate) => compiled.get(predicate))
    .filter((test) => test !== undefined);
  const groups = relevantGroups(predicates, role.rowLevelPermissionPredicateGroups);
  // "compilation honours only the first parentless group" (comment in the same util).
  const root = groups.find((group) => group.parentRowLevelPermissionPredicateGroupId == null);
  const tree = {
    predicates,
    compiled,
    groups,
    forInsert: scope.insertRestrictedFields !== undefined,
  };
  const tests = root === undefined ? regular : [...regular, groupTest(root, tree, new Set())];
  if (tests.length === 0) return undefined;
  return (record) => and(tests.map((test) => test(record))) === true;
}

/** The groups holding a predicate, and their ancestors, in the order they are met. */
function relevantGroups(
  predicates: readonly RlsPredicate[],
  roleGroups: readonly RlsPredicateGroup[],
): RlsPredicateGroup[] {
  const byId = new Map(roleGroups.map((group) => [group.id, group]));
  const ids = new Set<string>();
  for (const predicate of predicates) {
    let groupId = predicate.rowLevelPermissionPredicateGroupId ?? undefined;
    while (groupId !== undefined && !ids.has(groupId)) {
      ids.add(groupId);
      groupId = byId.get(groupId)?.parentRowLevelPermissionPredicateGroupId ?? undefined;
    }
  }
  return [...ids].map((id) => byId.get(id)).filter((group) => group !== undefined);
}

interface GroupTree {
  readonly predicates: readonly RlsPredicate[];
  readonly compiled: ReadonlyMap<RlsPredicate, RowTest | undefined>;
  readonly groups: readonly RlsPredicateGroup[];
  readonly forInsert: boolean;
}

/**
 * A group ANDs or ORs its predicates and its subgroups. A group left with no condition: AND is
 * true; OR is false (UNVERIFIED: Twenty emits an empty OR bracket; false is the safe reading).
 * On insert, emptied groups are removed, so they are true.
 */
function groupTest(group: RlsPredicateGroup, tree: GroupTree, seen: Set<string>): RowTest {
  const visiting = new Set(seen).add(group.id);
  const own = tree.predicates
    .filter((predicate) => predicate.rowLevelPermissionPredicateGroupId === group.id)
    .map((predicate) => tree.compiled.get(predicate))
    .filter((test) => test !== undefined);
  const subgroups = tree.groups
    .filter((sub) => sub.parentRowLevelPermissionPredicateGroupId === group.id)
    .filter((sub) => !visiting.has(sub.id))
    .map((sub) => groupTest(sub, tree, visiting));
  const tests = [...own, ...subgroups];
  if (tests.length === 0) return () => tree.forInsert || group.logicalOperator === 'AND';
  const combine: (values: readonly Truth[]) => Truth = group.logicalOperator === 'OR' ? or : and;
  return (record) => combine(tests.map((test) => test(record)));
}

function fieldById(state: WorkspaceState, id: string): SandboxField | undefined {
  for (const object of state.objects) {
    const field = object.fields.find((candidate) => candidate.id === id);
    if (field !== undefined) return field;
  }
  return undefined;
}

/** A predicate's test; undefined when it drops out. */
function compilePredicate(predicate: RlsPredicate, scope: RowLevelScope): RowTest | undefined {
  const field = fieldById(scope.state, predicate.fieldMetadataId);
  // FIELD_METADATA_NOT_FOUND: the query fails.
  if (field === undefined) return DENY;
  if (isNotWritableOnInsert(field, scope.insertRestrictedFields)) return undefined;
  const value = predicateValue(predicate, scope);
  if (value === DROPPED) return undefined;
  if (value === FAILED) return DENY;
  return compileFieldFilter({
    field,
    operand: predicate.operand,
    value,
    subFieldName: predicate.subFieldName ?? undefined,
    currentMemberId: memberId(scope.member),
    now: scope.now ?? new Date(),
  });
}

/** On insert a predicate on a field the role cannot write drops out; relation predicates stay
 * (their filter key is the join column, which the source's name lookup does not find). */
function isNotWritableOnInsert(field: SandboxField, restricted: RestrictedFields | undefined) {
  if (restricted === undefined || field.type === 'RELATION') return false;
  return restricted[field.id]?.canUpdate === false;
}

const DROPPED = Symbol('dropped');
const FAILED = Symbol('failed');

function memberId(member: SandboxRecord | undefined): string | undefined {
  return member?.id;
}

/**
 * The predicate's value, or the current member's value of `workspaceMemberFieldMetadataId`
 * (its subfield for a composite; a SELECT value wrapped in a list). With no current member (an
 * API key) the predicate drops out, as in the source. UNVERIFIED: a member lacking the value
 * (one version drops the predicate, another throws INVALID_ARG): it denies. Left out: the
 * enum-compatibility check between the two fields.
 */
function predicateValue(predicate: RlsPredicate, scope: RowLevelScope): unknown {
  const memberFieldId = predicate.workspaceMemberFieldMetadataId;
  if (memberFieldId == null) return predicate.value;
  const memberField = fieldById(scope.state, memberFieldId);
  if (memberField === undefined) return FAILED;
  if (scope.member === undefined) return DROPPED;
  const raw = scope.member[memberField.name];
  const subField = predicate.workspaceMemberSubFieldName;
  const value =
    subField != null && isCompositeFieldType(memberField.type) && isObject(raw)
      ? raw[subField]
      : raw;
  if (value === undefined || value === null) return FAILED;
  const isSelect = memberField.type === 'SELECT' || memberField.type === 'MULTI_SELECT';
  return isSelect && typeof value === 'string' ? [value] : value;
}
