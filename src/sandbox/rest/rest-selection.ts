/**
 * The GraphQL selection of a REST record: every field the principal's role may read, as Twenty's
 * REST layer selects it (twentyhq/twenty `packages/twenty-server/src/engine/api/rest/core/
 * rest-to-common-args-handlers/selected-fields-handler.ts`, `computeFromDepth`, with the role's
 * `objectsPermissions`): scalar and enum fields, composite fields with all their sub-fields,
 * the join column of each MANY_TO_ONE relation; with depth 1 also each relation's records (at
 * depth 0) when the role may read the related object.
 *
 * UNVERIFIED: whether Twenty's REST answer includes the `searchVector` (TS_VECTOR) column; it is
 * left out here. Relations to objects the role cannot read are left out rather than refused.
 */
import { compositeProperties, fieldKind } from '../../host/core-schema/field-types.js';
import { objectPermissionsOf } from '../permissions/role-permissions.js';
import type { Principal, SandboxObject, WorkspaceState } from '../workspace.js';

export interface RestSelection {
  /** The GraphQL selection set's content. */
  readonly text: string;
  /** ONE_TO_MANY relation fields selected as connections, to flatten into arrays. */
  readonly connections: readonly RelationPath[];
}

export interface RelationPath {
  readonly field: string;
}

function readers(state: WorkspaceState, principal: Principal) {
  const permissions = objectPermissionsOf(state, principal.roleId);
  return {
    canReadObject: (object: SandboxObject) => permissions[object.id]?.canRead === true,
    canReadField: (object: SandboxObject, fieldId: string) =>
      permissions[object.id]?.restrictedFields[fieldId]?.canRead !== false,
  };
}

function depthZero(object: SandboxObject, canRead: (fieldId: string) => boolean): string[] {
  const parts: string[] = [];
  for (const field of object.fields) {
    if (!canRead(field.id) || field.type === 'TS_VECTOR') continue;
    const kind = fieldKind(object, field);
    if (kind.kind === 'atomic' || kind.kind === 'enum') parts.push(field.name);
    else if (kind.kind === 'composite') {
      const subs = compositeProperties(kind.type).map((property) => property.name);
      parts.push(`${field.name} { ${subs.join(' ')} }`);
    } else if (kind.kind === 'manyToOne') parts.push(kind.joinColumn);
  }
  return parts;
}

export function restSelection(
  state: WorkspaceState,
  objects: readonly SandboxObject[],
  object: SandboxObject,
  principal: Principal,
  depth: 0 | 1,
): RestSelection {
  const { canReadObject, canReadField } = readers(state, principal);
  const parts = depthZero(object, (fieldId) => canReadField(object, fieldId));
  const connections: RelationPath[] = [];
  if (depth === 1) {
    for (const field of object.fields) {
      if (field.type !== 'RELATION' || !canReadField(object, field.id)) continue;
      const kind = fieldKind(object, field);
      if (kind.kind !== 'manyToOne' && kind.kind !== 'oneToMany') continue;
      const target = objects.find((candidate) => candidate.nameSingular === kind.target);
      if (!target || !canReadObject(target)) continue;
      const inner = depthZero(target, (fieldId) => canReadField(target, fieldId)).join(' ');
      if (kind.kind === 'manyToOne') parts.push(`${field.name} { ${inner} }`);
      else {
        parts.push(`${field.name} { edges { node { ${inner} } } }`);
        connections.push({ field: field.name });
      }
    }
  }
  return { text: parts.join(' '), connections };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record as REST answers it: ONE_TO_MANY connections as arrays of records. */
export function restRecord(record: unknown, selection: RestSelection): unknown {
  if (!isRecord(record)) return record;
  const result: Record<string, unknown> = { ...record };
  for (const { field } of selection.connections) {
    const connection = result[field];
    if (!isRecord(connection)) continue;
    const edges = Array.isArray(connection.edges) ? (connection.edges as unknown[]) : [];
    result[field] = edges.map((edge) => (isRecord(edge) ? edge.node : null));
  }
  return result;
}
