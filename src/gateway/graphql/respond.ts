/**
 * The response side of GraphQL enforcement: the host's answer to a prepared operation, judged
 * record by record before it reaches the client.
 *
 * The walk follows the forwarded operation and the schema's types, key by key of the response:
 * a key the operation did not ask for is dropped; a field the request side stripped is null;
 * each record is decided on the fields the policy reads (fetched under `_tg_` aliases, then
 * removed) and projected: a record outside the member's scope becomes null (and its edge is
 * dropped), hidden fields are null, masked fields masked, relations judged by their own
 * object's rules. Composite values are read by sub-field name, so an alias inside a composite
 * hides nothing either.
 */
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLOutputType,
} from 'graphql';
import type { FieldState } from '../../policy/schema.js';
import { processCursorSeal } from '../core/cursor-seal.js';
import { RowTally } from '../core/row-tally.js';
import { stateReader } from '../core/field-states.js';
import type { GatewayModel } from '../core/model.js';
import { RESERVED_PREFIX, type PreparedOperation } from './types.js';
import type { Caller } from '../core/caller.js';
import { isJsonObject } from '../core/json.js';
import { Shape, type Entry } from './response-shape.js';

type Json = Record<string, unknown>;

export interface ProjectedResponse {
  readonly data: unknown;
  /** Rows passed to the client, as src/gateway/core/row-tally.ts counts them (for export metering). */
  readonly rows: number;
  /** Records the host returned that the policy withheld (none, when scoping held). */
  readonly withheld: number;
}

const READABLE = (state: FieldState | undefined): boolean => state === 'read' || state === 'edit';

/** The key an edge's record is fetched under when the client did not ask for the node. */
const JUDGED_NODE = `${RESERVED_PREFIX}node`;

/** A connection's keys that are not aggregate values. */
const NOT_AGGREGATES = new Set(['edges', 'pageInfo', 'groupByDimensionValues', '__typename']);
const PAGE_CURSORS = new Set(['startCursor', 'endCursor']);

class Projector {
  readonly tally = new RowTally();
  withheld = 0;
  /** The object of the connection being walked, whose records its page cursors point at. */
  paged: string | undefined;

  readonly native: ReadonlySet<string>;

  constructor(private readonly caller: Caller) {
    this.native = new Set(caller.policy.gateway?.nativeObjects ?? []);
  }

  /**
   * A record of an object left to Twenty: as the host answered it, except its relations, which
   * lead to records the policy may govern and are judged by their own object's rules.
   */
  nativeRecord(value: Json, shape: Shape): Json {
    const out: Json = {};
    for (const key in value) {
      const entry = shape.entry(key);
      if (!entry || key.startsWith(RESERVED_PREFIX)) continue;
      const inner = value[key];
      if (entry.kind === 'stripped') out[key] = null;
      else if (entry.kind === 'relation' && entry.type)
        out[key] = this.value(inner, entry.type, entry, shape);
      else out[key] = inner;
    }
    return out;
  }

  /** A value of the field at `entry` (in `parent`): lists, objects and records walked. */
  value(value: unknown, type: GraphQLOutputType, entry: Entry, parent: Shape): unknown {
    if (value === null || value === undefined) return null;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return null;
      return value.map((item) => this.value(item, nullable.ofType, entry, parent));
    }
    if (!isJsonObject(value)) return isObjectType(getNamedType(nullable)) ? null : value;
    const shape = parent.child(entry);
    if (!shape) return null;
    return shape.role?.kind === 'record' ? this.record(value, shape) : this.object(value, shape);
  }

  object(value: Json, shape: Shape): Json | null {
    const out: Json = {};
    const connection = shape.role?.kind === 'connection';
    const judgedBy = shape.role?.kind === 'edge' ? shape.entry(JUDGED_NODE) : undefined;
    if (judgedBy?.type) {
      // An edge asked without its node: judged by the record the gateway fetched beside it
      // (an answer without that record is not judged, so not served).
      // Its cursor stands for the record, so the record counts as served.
      if (!Object.hasOwn(value, JUDGED_NODE)) return null;
      const judged = this.value(value[JUDGED_NODE], judgedBy.type, judgedBy, shape);
      if (judged === null) return null;
    } else if (shape.role?.kind === 'edge') {
      // An edge is served only with its record judged: a node the host left out (a skipped
      // `node`) or answered null (withheld) takes its edge with it.
      const node = shape.keyOf('node');
      if (node === undefined || !isJsonObject(value[node])) return null;
    }
    const outer = this.paged;
    const rowsBefore = this.tally.rows;
    let counted = false;
    if (connection && shape.role?.kind === 'connection') {
      this.paged = shape.role.object.name;
      counted = !this.native.has(this.paged);
      if (counted) this.countAggregates(value, shape, shape.role.groupBy);
    }
    for (const key in value) {
      const entry = shape.entry(key);
      if (!entry || key.startsWith(RESERVED_PREFIX)) continue;
      const inner = value[key];
      if (entry.kind === 'stripped') out[key] = null;
      else if (entry.kind === 'typename') out[key] = inner;
      else if (entry.type === undefined) continue;
      else if (shape.role?.kind === 'edge' && entry.name === 'cursor')
        out[key] = this.sealed(inner, shape.role.object.name);
      else if (shape.type.name === 'PageInfo' && PAGE_CURSORS.has(entry.name))
        out[key] = this.sealed(inner, this.paged);
      else if (connection && entry.name === 'edges' && Array.isArray(inner)) {
        // Edges of records withheld go, rather than stand as nulls in a non-null list.
        const edges = this.value(inner, entry.type, entry, shape) as unknown[];
        const nodeKey = shape.child(entry)?.nodeKey ?? 'node';
        out[key] = edges.filter(
          (edge) =>
            isJsonObject(edge) && (!Object.hasOwn(edge, nodeKey) || isJsonObject(edge[nodeKey])),
        );
      } else out[key] = this.value(inner, entry.type, entry, shape);
    }
    // A page's info alone still tells which records match (its cursors, `hasNextPage`), as a
    // count would: one value, when the connection served nothing else that counted.
    if (counted && this.tally.rows === rowsBefore && servesPageInfo(value, shape))
      this.tally.aggregates(1);
    this.paged = outer;
    return out;
  }

  /** A host cursor as the client gets it: sealed for this member and object, or null. */
  sealed(cursor: unknown, object: string | undefined): string | null {
    if (typeof cursor !== 'string' || object === undefined) return null;
    return (this.caller.cursors ?? processCursorSeal).seal(cursor, this.caller.member, object);
  }

  /** A connection's (or a group's) aggregate values, as rows for the export limit. */
  countAggregates(value: Json, shape: Shape, group: boolean): void {
    let values = 0;
    for (const key in value) {
      const entry = shape.entry(key);
      if (entry && entry.kind !== 'stripped' && !NOT_AGGREGATES.has(entry.name)) values++;
    }
    if (group) this.tally.group(values);
    else this.tally.aggregates(values);
  }

  record(value: Json, shape: Shape): Json | null {
    const role = shape.role;
    if (role?.kind !== 'record') return null;
    const object = role.object;
    if (this.native.has(object.name)) return this.nativeRecord(value, shape);
    const full: Json = {};
    for (const key in value) {
      const entry = shape.entry(key);
      if (!entry) continue;
      if (entry.kind === 'scalar') full[entry.name] = value[key];
      else if (entry.kind === 'composite') {
        const inner = value[key];
        const child = shape.child(entry);
        const named = isJsonObject(inner) && child ? byName(inner, child) : inner;
        // The same composite under two keys: both selections make up the value judged.
        const before = full[entry.name];
        full[entry.name] =
          isJsonObject(before) && isJsonObject(named) ? { ...before, ...named } : named;
      }
    }
    // What the decisions read (their own selection) completes what the client selected.
    for (const key in value) {
      if (!key.startsWith(RESERVED_PREFIX)) continue;
      const name = key.slice(RESERVED_PREFIX.length);
      const injected = value[key];
      const selected = full[name];
      full[name] =
        isJsonObject(selected) && isJsonObject(injected) ? { ...selected, ...injected } : injected;
    }
    const projected = this.caller.judge.project(object.name, full);
    if (projected === null) {
      this.withheld++;
      return null;
    }
    this.tally.record(object.name, recordId(value, shape));
    const stateOf = stateReader(this.caller, object, 'read', full);
    const out: Json = {};
    for (const key in value) {
      const entry = shape.entry(key);
      if (!entry || key.startsWith(RESERVED_PREFIX)) continue;
      const inner = value[key];
      switch (entry.kind) {
        case 'stripped':
          out[key] = null;
          break;
        case 'typename':
        case 'id':
          out[key] = inner;
          break;
        case 'relation':
          // Shown when its field is, then judged by the related object's rules.
          out[key] =
            READABLE(stateOf(entry.stateName)) && entry.type
              ? this.value(inner, entry.type, entry, shape)
              : null;
          break;
        case 'join':
          // A join column (`companyId`) reveals the relation: only when that is readable.
          out[key] = READABLE(stateOf(entry.stateName)) ? inner : null;
          break;
        case 'scalar':
          out[key] = Object.hasOwn(projected, entry.name) ? projected[entry.name] : null;
          break;
        case 'composite': {
          const shown = Object.hasOwn(projected, entry.name) ? projected[entry.name] : null;
          const child = shape.child(entry);
          out[key] = isJsonObject(shown) && child ? aliased(shown, child, inner) : shown;
          break;
        }
        case 'object':
        case 'unknown':
          break;
      }
    }
    return out;
  }
}

/** Whether a connection's answer holds its `pageInfo`. */
function servesPageInfo(value: Json, shape: Shape): boolean {
  for (const key in value)
    if (shape.entry(key)?.name === 'pageInfo' && isJsonObject(value[key])) return true;
  return false;
}

/** The record's id, under whichever key the answer holds it. */
function recordId(value: Json, shape: Shape): unknown {
  for (const key in value) if (shape.entry(key)?.kind === 'id') return value[key];
  return undefined;
}

/** A composite value keyed by its sub-fields' names rather than the client's aliases. */
function byName(value: Json, shape: Shape): Json {
  const out: Json = {};
  for (const key in value) {
    const entry = shape.entry(key);
    if (entry && entry.name !== '__typename') out[entry.name] = value[key];
  }
  return out;
}

/**
 * A projected composite, keyed back by the client's aliases (a sub-field withheld is null);
 * `__typename` is the type's name, as the host answered it.
 */
function aliased(projected: Json, shape: Shape, answered: unknown): Json {
  const out: Json = {};
  for (const [key, entry] of shape.entries()) {
    if (entry.name === '__typename')
      out[key] = isJsonObject(answered) ? (answered[key] ?? null) : null;
    else out[key] = Object.hasOwn(projected, entry.name) ? projected[entry.name] : null;
  }
  return out;
}

const rootShapes = new WeakMap<PreparedOperation, Shape>();

/** The host's `data` for a prepared operation, as the member may see it. */
export function projectResponse(
  data: unknown,
  prepared: PreparedOperation,
  caller: Caller,
  model: GatewayModel,
): ProjectedResponse {
  const root =
    prepared.kind === 'query' ? model.schema.getQueryType() : model.schema.getMutationType();
  if (!root || !isJsonObject(data)) return { data: null, rows: 0, withheld: 0 };
  let shape = rootShapes.get(prepared);
  if (!shape) {
    shape = new Shape(root, [prepared.operation.selectionSet], {
      model,
      fragments: prepared.fragments,
      stripped: prepared.stripped,
    });
    rootShapes.set(prepared, shape);
  }
  const projector = new Projector(caller);
  const projected = projector.object(data, shape) ?? null;
  return { data: projected, rows: projector.tally.rows, withheld: projector.withheld };
}
