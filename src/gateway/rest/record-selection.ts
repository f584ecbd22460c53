/**
 * The record Twenty's REST layer answers, asked for over GraphQL: at depth 0 every scalar and
 * enum field, each composite field with all its sub-fields and the join column of each
 * many-to-one relation (no search vector); at depth 1 also each relation's records at depth 0,
 * a one-to-many one as a plain list (twentyhq/twenty `packages/twenty-server/src/engine/api/
 * rest/core/rest-to-common-args-handlers/selected-fields-handler.ts`, `computeFromDepth`; the
 * sandbox's src/sandbox/rest/rest-selection.ts does the same).
 *
 * Twenty leaves out of a REST answer the fields the member's role may not read, and refuses
 * them when GraphQL selects them. The role holds the policy's static field states (a hidden
 * field is unreadable natively, src/sync/compile-fields.ts), so the fields selected are those
 * not hidden on every record; what is hidden on this one is left out later by the projector.
 */
import { compositeProperties, fieldKind } from '../../host/core-schema/field-types.js';
import { stateReader } from '../core/field-states.js';
import type { Caller } from '../core/caller.js';
import type { GatewayModel, GatewayObject } from '../core/model.js';

export interface RestRecordSelection {
  /** The GraphQL selection set's content. */
  readonly text: string;
  /** One-to-many relation fields selected as connections, to answer as lists. */
  readonly connections: readonly string[];
}

/** Whether the member may read `object`'s records at all (else its relations are left out). */
function readable(caller: Caller, object: GatewayObject): boolean {
  return caller.judge.can('read', object.name);
}

function depthZero(caller: Caller, object: GatewayObject): string[] {
  const stateOf = stateReader(caller, object, 'read', undefined);
  const parts: string[] = [];
  for (const field of object.fields.values()) {
    if (field.type === 'TS_VECTOR') continue;
    const kind = fieldKind(object.metadata, field);
    // A relation shows at depth 0 as its join column alone (one-to-many ones not at all).
    const name = kind.kind === 'manyToOne' ? kind.joinColumn : field.name;
    if (kind.kind === 'oneToMany' || (name !== 'id' && stateOf(name) === 'hidden')) continue;
    if (kind.kind === 'composite') {
      const subs = compositeProperties(kind.type).map((property) => property.name);
      parts.push(`${name} { ${subs.join(' ')} }`);
    } else parts.push(name);
  }
  return parts;
}

export function restRecordSelection(
  caller: Caller,
  model: GatewayModel,
  object: GatewayObject,
  depth: 0 | 1,
): RestRecordSelection {
  const parts = depthZero(caller, object);
  const connections: string[] = [];
  if (depth === 1) {
    const stateOf = stateReader(caller, object, 'read', undefined);
    for (const field of object.fields.values()) {
      if (field.type !== 'RELATION' || stateOf(field.name) === 'hidden') continue;
      const kind = fieldKind(object.metadata, field);
      if (kind.kind !== 'manyToOne' && kind.kind !== 'oneToMany') continue;
      const target = model.objects.get(kind.target);
      if (!target || !readable(caller, target)) continue;
      const inner = depthZero(caller, target).join(' ');
      if (kind.kind === 'manyToOne') parts.push(`${field.name} { ${inner} }`);
      else {
        parts.push(`${field.name} { edges { node { ${inner} } } }`);
        connections.push(field.name);
      }
    }
  }
  return { text: parts.join(' '), connections };
}

/** A record of the GraphQL answer in REST's shape: one-to-many connections as plain lists. */
export function restRecordOf(record: unknown, selection: RestRecordSelection): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const field of selection.connections) {
    const connection = out[field];
    if (typeof connection !== 'object' || connection === null) continue;
    const edges = (connection as { edges?: unknown }).edges;
    out[field] = Array.isArray(edges)
      ? edges.map((edge: unknown) =>
          typeof edge === 'object' && edge !== null ? (edge as { node?: unknown }).node : edge,
        )
      : [];
  }
  return out;
}
