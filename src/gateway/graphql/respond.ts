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
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';
import type { FieldState } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject } from '../model.js';
import { RESERVED_PREFIX, type Caller, type PreparedOperation } from './prepare.js';

type Json = Record<string, unknown>;

interface Entry {
  readonly name: string;
  readonly stripped: boolean;
  readonly sets: readonly SelectionSetNode[];
  /** Built on first use: the shape below this key. */
  child?: Shape | undefined;
}

/** The response keys of a list of selection sets on one type, fragments expanded. */
class Shape {
  readonly #entries = new Map<string, Entry>();

  constructor(
    sets: readonly SelectionSetNode[],
    fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    stripped: WeakSet<FieldNode>,
  ) {
    const seen = new Set<string>();
    const collect = (set: SelectionSetNode): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const found = this.#entries.get(key);
          const sets = selection.selectionSet ? [selection.selectionSet] : [];
          if (found) {
            this.#entries.set(key, {
              name: found.name,
              stripped: found.stripped && stripped.has(selection),
              sets: [...found.sets, ...sets],
            });
          } else
            this.#entries.set(key, {
              name: selection.name.value,
              stripped: stripped.has(selection),
              sets,
            });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
        else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) {
            seen.add(name);
            collect(fragment.selectionSet);
          }
        }
      }
    };
    for (const set of sets) collect(set);
  }

  entry(key: string): Entry | undefined {
    return this.#entries.get(key);
  }

  entries(): IterableIterator<[string, Entry]> {
    return this.#entries.entries();
  }

  /** The first response key that selects the field `name`. */
  keyOf(name: string): string | undefined {
    for (const [key, entry] of this.#entries) if (entry.name === name) return key;
    return undefined;
  }
}

export interface ProjectedResponse {
  readonly data: unknown;
  /** Records passed to the client (for export metering). */
  readonly rows: number;
  /** Records the host returned that the policy withheld (none, when scoping held). */
  readonly withheld: number;
}

class Projector {
  rows = 0;
  withheld = 0;

  constructor(
    private readonly caller: Caller,
    private readonly model: GatewayModel,
    private readonly prepared: PreparedOperation,
  ) {}

  shape(sets: readonly SelectionSetNode[]): Shape {
    return new Shape(sets, this.prepared.fragments, this.prepared.stripped);
  }

  childShape(entry: Entry): Shape {
    return (entry.child ??= this.shape(entry.sets));
  }

  value(value: unknown, type: GraphQLOutputType, entry: Entry): unknown {
    if (value === null || value === undefined) return null;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return null;
      const items = value.map((item) => this.value(item, nullable.ofType, entry));
      return items;
    }
    const named = getNamedType(nullable);
    if (!isObjectType(named)) return value;
    if (typeof value !== 'object' || Array.isArray(value)) return null;
    const role = this.model.typeRole(named.name);
    if (role?.kind === 'record') return this.record(value as Json, role.object, named, entry);
    return this.object(value as Json, named, this.childShape(entry));
  }

  object(value: Json, type: GraphQLObjectType, shape: Shape): Json {
    const out: Json = {};
    const fields = type.getFields();
    const role = this.model.typeRole(type.name);
    for (const [key, inner] of Object.entries(value)) {
      const entry = shape.entry(key);
      if (!entry || key.startsWith(RESERVED_PREFIX)) continue;
      if (entry.stripped) {
        out[key] = null;
        continue;
      }
      if (entry.name === '__typename') {
        out[key] = inner;
        continue;
      }
      const field = fields[entry.name];
      if (!field) continue;
      let projected = this.value(inner, field.type, entry);
      // Edges of records withheld go, rather than stand as nulls in a non-null list.
      if (role?.kind === 'connection' && entry.name === 'edges' && Array.isArray(projected))
        projected = projected.filter(
          (edge) => edge !== null && (edge as Json)[nodeKey(this.childShape(entry))] !== null,
        );
      out[key] = projected;
    }
    return out;
  }

  record(value: Json, object: GatewayObject, type: GraphQLObjectType, entry: Entry): Json | null {
    const shape = this.childShape(entry);
    const fields = type.getFields();
    const full: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith(RESERVED_PREFIX)) continue;
      const found = shape.entry(key);
      if (!found || found.stripped || found.name === '__typename') continue;
      const field = fields[found.name];
      if (!field || this.model.typeRole(getNamedType(field.type).name)) continue;
      full[found.name] =
        isObjectType(getNamedType(field.type)) && inner !== null && typeof inner === 'object'
          ? byName(inner as Json, this.childShape(found))
          : inner;
    }
    // What the decisions read, fetched whole: it wins over a partial selection of the same field.
    for (const [key, inner] of Object.entries(value))
      if (key.startsWith(RESERVED_PREFIX)) full[key.slice(RESERVED_PREFIX.length)] = inner;
    const { engine, member } = this.caller;
    const projected = engine.project({ member, object: object.name, record: full });
    if (projected === null) {
      this.withheld++;
      return null;
    }
    this.rows++;
    let states: Readonly<Record<string, FieldState>> | undefined;
    const stateOf = (name: string): FieldState => {
      states ??= engine.fieldStates({ member, object: object.name, action: 'read', record: full });
      return Object.hasOwn(states, name)
        ? (states[name] as FieldState)
        : engine.fieldState({
            member,
            object: object.name,
            action: 'read',
            field: name,
            record: full,
          });
    };
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith(RESERVED_PREFIX)) continue;
      const found = shape.entry(key);
      if (!found) continue;
      if (found.stripped) {
        out[key] = null;
        continue;
      }
      const name = found.name;
      if (name === '__typename' || name === 'id') {
        out[key] = inner;
        continue;
      }
      const field = fields[name];
      if (!field) continue;
      const named = getNamedType(field.type);
      const stateName = object.stateField(name);
      if (this.model.typeRole(named.name)) {
        // A relation: shown when its field is, then judged by the related object's rules.
        const state = stateOf(stateName);
        out[key] =
          state === 'read' || state === 'edit' ? this.value(inner, field.type, found) : null;
        continue;
      }
      if (stateName !== name) {
        // A join column (`companyId`) reveals the relation: only when it is readable.
        const state = stateOf(stateName);
        out[key] = state === 'read' || state === 'edit' ? inner : null;
        continue;
      }
      if (!Object.hasOwn(projected, name)) {
        out[key] = null;
        continue;
      }
      const shown = projected[name];
      out[key] =
        isObjectType(named) && shown !== null && typeof shown === 'object'
          ? aliased(shown as Json, this.childShape(found))
          : shown;
    }
    return out;
  }
}

/** The key the edges of a connection carry their node under. */
function nodeKey(edgeShape: Shape): string {
  return edgeShape.keyOf('node') ?? 'node';
}

/** A composite value keyed by its sub-fields' names rather than the client's aliases. */
function byName(value: Json, shape: Shape): Json {
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    const entry = shape.entry(key);
    if (entry && entry.name !== '__typename') out[entry.name] = inner;
  }
  return out;
}

/** A projected composite, keyed back by the client's aliases (a sub-field withheld is null). */
function aliased(projected: Json, shape: Shape): Json {
  const out: Json = {};
  for (const [key, entry] of shape.entries()) {
    if (entry.name === '__typename') out[key] = projected.__typename ?? null;
    else out[key] = Object.hasOwn(projected, entry.name) ? projected[entry.name] : null;
  }
  return out;
}

/** The host's `data` for a prepared operation, as the member may see it. */
export function projectResponse(
  data: unknown,
  prepared: PreparedOperation,
  caller: Caller,
  model: GatewayModel,
): ProjectedResponse {
  const projector = new Projector(caller, model, prepared);
  const root =
    prepared.kind === 'query' ? model.schema.getQueryType() : model.schema.getMutationType();
  if (!root || data === null || typeof data !== 'object' || Array.isArray(data))
    return { data: null, rows: 0, withheld: 0 };
  const projected = projector.object(
    data as Json,
    root,
    projector.shape([prepared.operation.selectionSet]),
  );
  return { data: projected, rows: projector.rows, withheld: projector.withheld };
}
