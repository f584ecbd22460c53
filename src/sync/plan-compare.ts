/**
 * Semantic comparison of one role's permissions, as the host enforces them rather than as they
 * are listed: order never matters, an object permission is compared with what the object will
 * get once the role's defaults are applied, a field restriction with both values true is no
 * restriction (nor is one on an object the role cannot read), and row-level predicates are compared as sets within their group tree.
 */
import type {
  HostFieldPermission,
  HostObjectPermission,
  HostRlsPredicate,
  HostRole,
} from './host-state.js';
import type {
  FieldPermissionChange,
  ObjectPermissionChange,
  RowLevelChange,
  RowLevelRules,
} from './plan-types.js';

const NO_RULES: RowLevelRules = { predicates: [], groups: [] };

function byId<T>(items: readonly T[], id: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [id(item), item]));
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** The role's `can*AllObjectRecords` made explicit for one object. */
export function defaultObjectPermission(
  role: HostRole,
  objectMetadataId: string,
): HostObjectPermission {
  return {
    objectMetadataId,
    canReadObjectRecords: role.canReadAllObjectRecords,
    canUpdateObjectRecords: role.canUpdateAllObjectRecords,
    canSoftDeleteObjectRecords: role.canSoftDeleteAllObjectRecords,
    canDestroyObjectRecords: role.canDestroyAllObjectRecords,
  };
}

function sameObjectPermission(a: HostObjectPermission, b: HostObjectPermission): boolean {
  return (
    a.canReadObjectRecords === b.canReadObjectRecords &&
    a.canUpdateObjectRecords === b.canUpdateObjectRecords &&
    a.canSoftDeleteObjectRecords === b.canSoftDeleteObjectRecords &&
    a.canDestroyObjectRecords === b.canDestroyObjectRecords
  );
}

/**
 * Objects whose effective permission differs. An object without an explicit permission follows
 * the role's defaults, and those are the desired ones once the role settings are updated, so
 * both sides fall back on the desired role.
 */
export function objectPermissionChanges(
  desired: HostRole,
  actual: HostRole | undefined,
): ObjectPermissionChange[] {
  const wanted = byId(desired.objectPermissions, (p) => p.objectMetadataId);
  const present = byId(actual?.objectPermissions ?? [], (p) => p.objectMetadataId);
  const changes: ObjectPermissionChange[] = [];
  for (const id of sortedUnion(wanted.keys(), present.keys())) {
    const before = present.get(id);
    const after = wanted.get(id) ?? defaultObjectPermission(desired, id);
    if (!sameObjectPermission(before ?? defaultObjectPermission(desired, id), after)) {
      changes.push({ objectMetadataId: id, ...(before === undefined ? {} : { before }), after });
    }
  }
  return changes;
}

/**
 * The restriction as it will matter once the desired object permission is in place, or
 * undefined when it does not matter. On an object the role cannot read no field restriction
 * matters, and Twenty refuses any field permission there, even a lift
 * (`FIELD_RESTRICTION_ONLY_ALLOWED_ON_READABLE_OBJECT`); on one it cannot update, an update
 * restriction does not matter (`FIELD_RESTRICTION_ON_UPDATE_ONLY_ALLOWED_ON_UPDATABLE_OBJECT`).
 */
function restriction(
  permission: HostFieldPermission | undefined,
  object: HostObjectPermission,
): HostFieldPermission | undefined {
  if (permission === undefined || !object.canReadObjectRecords) return undefined;
  const effective = {
    ...permission,
    canUpdateFieldValue: permission.canUpdateFieldValue || !object.canUpdateObjectRecords,
  };
  return effective.canReadFieldValue && effective.canUpdateFieldValue ? undefined : effective;
}

function fieldKey(p: HostFieldPermission): string {
  return `${p.objectMetadataId}\u0000${p.fieldMetadataId}`;
}

/**
 * Every field restriction the role holds once the plan is applied, each whole. Twenty 2.43's
 * `upsertFieldPermissions` replaces a role's whole set with its input, so a call carries these
 * rather than only what changed.
 */
export function fieldRestrictions(desired: HostRole): HostFieldPermission[] {
  const objects = byId(desired.objectPermissions, (p) => p.objectMetadataId);
  return [...byId(desired.fieldPermissions, fieldKey).values()].flatMap((p) => {
    const object =
      objects.get(p.objectMetadataId) ?? defaultObjectPermission(desired, p.objectMetadataId);
    const effective = restriction(p, object);
    return effective === undefined ? [] : [effective];
  });
}

export function fieldPermissionChanges(
  desired: HostRole,
  actual: HostRole | undefined,
): FieldPermissionChange[] {
  const wanted = byId(desired.fieldPermissions, fieldKey);
  const present = byId(actual?.fieldPermissions ?? [], fieldKey);
  const objects = byId(desired.objectPermissions, (p) => p.objectMetadataId);
  const changes: FieldPermissionChange[] = [];
  for (const key of sortedUnion(wanted.keys(), present.keys())) {
    const objectId = (wanted.get(key) ?? present.get(key))?.objectMetadataId ?? '';
    const object = objects.get(objectId) ?? defaultObjectPermission(desired, objectId);
    const before = restriction(present.get(key), object);
    const after = restriction(wanted.get(key), object);
    const read = (p?: HostFieldPermission) => p?.canReadFieldValue ?? true;
    const update = (p?: HostFieldPermission) => p?.canUpdateFieldValue ?? true;
    if (read(before) === read(after) && update(before) === update(after)) continue;
    const ids = before ?? after;
    if (ids === undefined) continue;
    changes.push({
      objectMetadataId: ids.objectMetadataId,
      fieldMetadataId: ids.fieldMetadataId,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    });
  }
  return changes;
}

/** JSON with object keys sorted, so equal values print equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function predicateText(p: HostRlsPredicate): string {
  return stableJson([
    p.fieldMetadataId,
    p.operand,
    p.value ?? null,
    p.subFieldName ?? null,
    p.workspaceMemberFieldMetadataId ?? null,
  ]);
}

/** Members sorted and deduplicated: an AND or OR of the same conditions in any order. */
function setText(operator: string, members: readonly string[]): string {
  return `${operator}(${[...new Set(members)].sort().join(',')})`;
}

/** Every group index names a group, and every group reaches a root (no cycle). */
function checkRowLevel(rules: RowLevelRules): void {
  const { groups, predicates } = rules;
  for (const p of predicates) {
    if (p.group !== undefined && groups[p.group] === undefined) {
      throw new Error(`row-level predicate names missing group ${p.group}`);
    }
  }
  for (const [i, g] of groups.entries()) {
    let parent = g.parent;
    for (let steps = 0; parent !== undefined; steps += 1) {
      const next = groups[parent];
      if (next === undefined)
        throw new Error(`row-level group ${i} names missing parent ${parent}`);
      if (steps >= groups.length) throw new Error(`row-level groups form a cycle at group ${i}`);
      parent = next.parent;
    }
  }
}

/** A canonical text of the rules: group indexes replaced by the groups' content. */
export function canonicalRowLevel(rules: RowLevelRules): string {
  const groupText = (index: number): string => {
    const group = rules.groups[index];
    if (group === undefined) throw new Error(`row-level group ${index} is missing`);
    const children = rules.groups.flatMap((g, i) => (g.parent === index ? [groupText(i)] : []));
    const predicates = rules.predicates.filter((p) => p.group === index).map(predicateText);
    return setText(group.logicalOperator, [...predicates, ...children]);
  };
  checkRowLevel(rules);
  const roots = rules.groups.flatMap((g, i) => (g.parent === undefined ? [groupText(i)] : []));
  const loose = rules.predicates.filter((p) => p.group === undefined).map(predicateText);
  return setText('AND', [...loose, ...roots]);
}

export function rowLevelChanges(desired: HostRole, actual: HostRole | undefined): RowLevelChange[] {
  const present = actual?.rowLevel ?? {};
  const changes: RowLevelChange[] = [];
  for (const id of sortedUnion(Object.keys(desired.rowLevel), Object.keys(present))) {
    const before = present[id] ?? NO_RULES;
    const after = desired.rowLevel[id] ?? NO_RULES;
    if (canonicalRowLevel(before) !== canonicalRowLevel(after)) {
      changes.push({ objectMetadataId: id, before, after });
    }
  }
  return changes;
}
