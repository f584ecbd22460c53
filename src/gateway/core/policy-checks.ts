/**
 * The policy's checks on what a request names, shared by GraphQL (src/gateway/graphql/
 * rewriter.ts) and REST (src/gateway/rest/handle.ts): field states that hold on every record,
 * filters, orders, groups and aggregates on readable fields only, and created items (allowed,
 * editable, in scope). Each check throws a Denial naming what it refuses.
 */
import { joinColumnOf } from '../../host/core-schema/object-metadata.js';
import { decisionFields } from '../../policy/decision-fields.js';
import type { Action, FieldState } from '../../policy/schema.js';
import type { GatewayObject } from './model.js';
import { isSearchVector, searchSources, searchVectorDenial } from './search-vector.js';
import { isJsonObject, type Json } from './json.js';
import { readPaths } from './composite-paths.js';
import { Denial } from './denial.js';
import { notEditable, READABLE, stateIn } from './field-states.js';
import type { Caller } from './caller.js';

const LOGICAL = new Set(['and', 'or', 'not']);

export class PolicyChecks {
  readonly #floors = new Map<string, Readonly<Record<string, FieldState>>>();
  readonly #maxStates = new Map<string, Readonly<Record<string, FieldState>>>();

  constructor(protected readonly caller: Caller) {}

  /** The read states that hold on every record (for filters, sorts, groups, aggregates). */
  floor(object: GatewayObject): Readonly<Record<string, FieldState>> {
    let found = this.#floors.get(object.name);
    if (!found) {
      found = this.caller.judge.fieldFloor('read', object.name);
      this.#floors.set(object.name, found);
    }
    return found;
  }

  /** The read states with no `when` cap applied: hidden here means hidden on every record. */
  maxStates(object: GatewayObject): Readonly<Record<string, FieldState>> {
    let found = this.#maxStates.get(object.name);
    if (!found) {
      found = this.caller.judge.fields('read', object.name);
      this.#maxStates.set(object.name, found);
    }
    return found;
  }

  stateIn(
    states: Readonly<Record<string, FieldState>>,
    object: GatewayObject,
    field: string,
    action: Action = 'read',
  ): FieldState {
    // A readable record's id is always readable.
    return field === 'id' ? 'read' : stateIn(this.caller, object, action, states, field);
  }

  /**
   * Refuses unless `field` is readable on every record, with its sub-field `field.sub` or, for
   * a composite used whole, every sub-field (composite-paths.ts).
   */
  requireReadable(object: GatewayObject, path: string, use: string): void {
    const [field, ...subs] = readPaths(object, path);
    if (isSearchVector(object, field as string)) {
      this.requireSearchable(object, field as string, use);
      return;
    }
    const floor = this.floor(object);
    const top = this.stateIn(floor, object, field as string);
    // A sub-field no rule names follows its field as the floor has it.
    const inner = subs.map((sub) => (Object.hasOwn(floor, sub) ? (floor[sub] as FieldState) : top));
    if (!READABLE.has(top) || inner.some((state) => !READABLE.has(state)))
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: ${use} on ${object.name}.${path}, a field this member cannot read on every record`,
        { object: object.name, field: path },
      );
  }

  /** Whether every field feeding the object's search vector is readable in clear. */
  searchable(object: GatewayObject): boolean {
    const floor = this.floor(object);
    return searchSources(object, floor, (f) => this.stateIn(floor, object, f)).unclear.length === 0;
  }

  /** Refuses `use` of a search vector (`searchVector`) unless it is searchable. */
  requireSearchable(object: GatewayObject, field: string, use: string): void {
    const floor = this.floor(object);
    const sources = searchSources(object, floor, (f) => this.stateIn(floor, object, f));
    if (sources.unclear.length > 0) throw searchVectorDenial(object, field, use, sources);
  }

  /** Every field path (`name`, `phones.primaryPhoneNumber`) a filter value reads. */
  filterPaths(value: unknown, into: Set<string>, prefix = ''): Set<string> {
    if (Array.isArray(value)) {
      for (const item of value) this.filterPaths(item, into, prefix);
      return into;
    }
    if (!isJsonObject(value)) return into;
    for (const [key, inner] of Object.entries(value)) {
      if (prefix === '' && LOGICAL.has(key)) {
        this.filterPaths(inner, into);
        continue;
      }
      if (prefix !== '') {
        // Inside a composite field: each key is a sub-field, its value the operators.
        into.add(`${prefix}.${key}`);
        continue;
      }
      // A composite's sub-field filters read those sub-fields; operators read the field whole.
      if (isJsonObject(inner) && !isOperatorObject(inner) && Object.keys(inner).length > 0)
        this.filterPaths(inner, into, key);
      else into.add(key);
    }
    return into;
  }

  checkFilter(object: GatewayObject, value: unknown, use: string): void {
    for (const path of this.filterPaths(value, new Set())) this.requireReadable(object, path, use);
  }

  /** orderBy: `[{ name: AscNullsFirst }, { amount: { amountMicros: Desc } }]`. */
  checkOrder(object: GatewayObject, value: unknown, use: string): void {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!isJsonObject(item)) continue;
      for (const [key, inner] of Object.entries(item)) {
        if (key === 'aggregate') {
          this.checkAggregateOrder(object, inner);
          continue;
        }
        if (isJsonObject(inner)) {
          // A composite's sub-fields, or a date granularity ({ orderBy, granularity }).
          const subs = Object.keys(inner).filter((k) => k !== 'orderBy' && k !== 'granularity');
          if (subs.length === 0) this.requireReadable(object, key, use);
          for (const sub of subs) this.requireReadable(object, `${key}.${sub}`, use);
        } else this.requireReadable(object, key, use);
      }
    }
  }

  checkAggregateOrder(object: GatewayObject, value: unknown): void {
    if (!isJsonObject(value)) return;
    for (const name of Object.keys(value)) this.checkAggregate(object, name);
  }

  checkAggregate(object: GatewayObject, name: string): void {
    const field = object.aggregateField(name);
    if (field === undefined)
      throw new Denial('FORBIDDEN', `Unknown aggregate ${name} on ${object.name}`);
    if (field !== null) this.requireReadable(object, field, `aggregate ${name}`);
  }

  /** groupBy: `[{ stage: true }, { createdAt: { granularity: DAY } }, { name: { firstName: true } }]`. */
  checkGroupBy(object: GatewayObject, value: unknown): void {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!isJsonObject(item)) continue;
      for (const [key, inner] of Object.entries(item)) {
        const subs = isJsonObject(inner)
          ? Object.keys(inner).filter((k) => k !== 'granularity' && k !== 'weekStartDay')
          : [];
        if (subs.length === 0) this.requireReadable(object, key, 'grouping');
        for (const sub of subs) this.requireReadable(object, `${key}.${sub}`, 'grouping');
      }
    }
  }

  /**
   * Created items: create allowed, every field set editable (mass assignment), and an item
   * that names an owner or a scoped field must land inside the member's reach.
   */
  checkCreate(object: GatewayObject, items: readonly Json[], many: boolean): void {
    const judge = this.caller.judge;
    const decides = decisionFields(this.caller.policy, object.name);
    items.forEach((item, index) => {
      const at = many ? ` (item ${index})` : '';
      const decision = judge.decide('create', object.name, item);
      if (decision.effect === 'deny')
        throw new Denial('FORBIDDEN', `Permission denied: create on ${object.name}${at}`, {
          object: object.name,
          action: 'create',
        });
      refuseSystemWrites(object, item, 'create', at);
      // A create may choose its record's id (Twenty's web app does); the rest must be editable.
      const { id: _id, ...fields } = item;
      this.requireEditable(object, 'create', fields, at, item);
      if (
        decides.some((f) => Object.hasOwn(item, f) || Object.hasOwn(item, objectJoin(object, f)))
      ) {
        const read = judge.decide('read', object.name, item);
        if (read.effect === 'deny')
          throw new Denial(
            'FORBIDDEN',
            `Permission denied: the new ${object.name}${at} would be outside this member's scope`,
            { object: object.name, action: 'create' },
          );
      }
    });
  }

  /** Mass assignment: every field set must be editable (with `when` rules on `record`). */
  requireEditable(
    object: GatewayObject,
    action: Action,
    fields: Json,
    at = '',
    record: Json = fields,
  ): void {
    const refused = notEditable(this.caller, object, action, fields, record);
    if (refused.length > 0)
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: this member may not set ${refused.map((f) => `${object.name}.${f}`).join(', ')}${at}`,
        { object: object.name, fields: refused },
      );
  }
}

/**
 * Fields no write may set through its data: `deletedAt` moves a record to and from the trash,
 * which is the delete and restore mutations' business (and the delete rules'); an id never
 * changes (a create may choose its record's id).
 */
export function refuseSystemWrites(
  object: GatewayObject,
  data: Json,
  mode: 'create' | 'update',
  at = '',
): void {
  if (Object.hasOwn(data, 'deletedAt'))
    throw new Denial(
      'FORBIDDEN',
      `Permission denied: ${object.name}.deletedAt cannot be written${at}; delete or restore the record instead, so the delete rules apply`,
      { object: object.name, fields: ['deletedAt'] },
    );
  if (mode === 'update' && Object.hasOwn(data, 'id'))
    throw new Denial('FORBIDDEN', `Permission denied: a ${object.name}'s id cannot change${at}`, {
      object: object.name,
      fields: ['id'],
    });
}

function isOperatorObject(value: Json): boolean {
  return Object.keys(value).some((key) => OPERATORS.has(key));
}

const OPERATORS = new Set([
  'eq',
  'neq',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'startsWith',
  'endsWith',
  'is',
  'regex',
  'iregex',
  'containsAny',
  'containsIlike',
  'search',
]);

/** The join column of a relation field (`company` → `companyId`), or the name itself. */
function objectJoin(object: GatewayObject, field: string): string {
  const metadata = object.fields.get(field);
  return (metadata && joinColumnOf(metadata)) ?? field;
}
