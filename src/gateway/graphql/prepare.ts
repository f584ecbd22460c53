/**
 * The request side of GraphQL enforcement: a client's operation, checked against the policy
 * for one member and rewritten into the operation the gateway forwards to the host.
 *
 * - The document is validated against the host's core schema first, so every field below is
 *   one the schema has and every response key names one field (graphql-js's "fields can
 *   merge" rule), whatever aliases and fragments the client used.
 * - Every selection is judged by the field it names, never by its response key; fragment
 *   definitions and inline fragments are rewritten like any selection set, by their type.
 * - Reads: the member's scope is ANDed into `filter` on every root read and every nested
 *   relation connection; a field hidden on every record is replaced by `__typename` under the
 *   same key (its value never leaves the host) and answered null; filtering, ordering,
 *   grouping or aggregating on a field the member cannot read on every record is refused.
 * - Writes: what can be decided from the request alone is decided here (create, the *Many
 *   mutations); what needs the record as it is (update, delete, destroy, restore one, merge,
 *   upsert) becomes a `WriteCheck` that the caller runs against the host before forwarding.
 * - Beside what the client asked for, each record selection carries the fields the policy's
 *   decisions read, under reserved `_tg_` aliases, so the response can be judged record by
 *   record (src/gateway/graphql/respond.ts) and those keys removed.
 *
 * Anything the gateway does not understand is refused: fail closed.
 */
import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { objectTypeNames, type ResolverMethod } from '../../host/core-schema/names.js';
import { decisionFields, decisionPaths } from '../../policy/decision-fields.js';
import type { Engine } from '../../policy/engine.js';
import type { Action, FieldState, Policy } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject, TypeRole } from '../model.js';
import { Denial } from './denial.js';
import { notEditable } from './field-states.js';

/** The reserved alias prefix of the fields the gateway adds; clients may not use it. */
export const RESERVED_PREFIX = '_tg_';

export interface Caller {
  readonly engine: Engine;
  readonly policy: Policy;
  readonly member: string;
}

/** A write decided against the record as the host has it, before the mutation is forwarded. */
export type WriteCheck =
  | {
      readonly kind: 'one';
      readonly object: GatewayObject;
      readonly method: 'updateOne' | 'deleteOne' | 'destroyOne' | 'restoreOne';
      readonly id: string;
      readonly data?: Readonly<Record<string, unknown>>;
    }
  | {
      /** upsert: items naming an existing record must pass the update checks. */
      readonly kind: 'upsert';
      readonly object: GatewayObject;
      readonly items: readonly Readonly<Record<string, unknown>>[];
    }
  | { readonly kind: 'merge'; readonly object: GatewayObject; readonly ids: readonly string[] }
  /** Records a read names by id (duplicates of them): each must be readable. */
  | { readonly kind: 'read'; readonly object: GatewayObject; readonly ids: readonly string[] };

export interface PreparedOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Fields answered null: hidden on every record, sent to the host as `__typename`. */
  readonly stripped: WeakSet<FieldNode>;
  readonly checks: readonly WriteCheck[];
  /** Root fields whose records the host cannot scope (duplicates): judged in the response only. */
  readonly kind: 'query' | 'mutation';
}

type Json = Readonly<Record<string, unknown>>;

const LOGICAL = new Set(['and', 'or', 'not']);

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeNodeOf(text: string): TypeNode {
  if (text.endsWith('!'))
    return { kind: Kind.NON_NULL_TYPE, type: typeNodeOf(text.slice(0, -1)) as never };
  if (text.startsWith('[')) return { kind: Kind.LIST_TYPE, type: typeNodeOf(text.slice(1, -1)) };
  return { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: text } };
}

function nameNode(value: string) {
  return { kind: Kind.NAME, value } as const;
}

function fieldNode(
  alias: string | undefined,
  name: string,
  selections?: SelectionNode[],
): FieldNode {
  return {
    kind: Kind.FIELD,
    ...(alias !== undefined ? { alias: nameNode(alias) } : {}),
    name: nameNode(name),
    arguments: [],
    directives: [],
    ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
  };
}

const READABLE: ReadonlySet<FieldState> = new Set(['read', 'edit']);

/**
 * One operation's rewriting: carries the new variables and what was stripped. Its checks
 * (filters, orders, created items) serve the REST API too (src/gateway/rest.ts).
 */
export class Rewriter {
  readonly stripped = new WeakSet<FieldNode>();
  readonly checks: WriteCheck[] = [];
  readonly addedVariables: VariableDefinitionNode[] = [];
  readonly variables: Record<string, unknown>;
  #counter = 0;
  /** Objects left to Twenty's own permissions (policy `gateway.nativeObjects`). */
  readonly native: ReadonlySet<string>;
  readonly #floors = new Map<string, Readonly<Record<string, FieldState>>>();
  readonly #maxStates = new Map<string, Readonly<Record<string, FieldState>>>();
  readonly #injections = new Map<string, FieldNode[]>();

  constructor(
    private readonly caller: Caller,
    private readonly model: GatewayModel,
    private readonly rawVariables: Readonly<Record<string, unknown>>,
    /** The client's fragment definitions, as written (for judging a selection's fields). */
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode> = new Map(),
  ) {
    this.variables = { ...rawVariables };
    this.native = new Set(caller.policy.gateway?.nativeObjects ?? []);
  }

  // ------------------------------------------------------------------------------------------
  // Field states

  /** The read states that hold on every record (for filters, sorts, groups, aggregates). */
  floor(object: GatewayObject): Readonly<Record<string, FieldState>> {
    let found = this.#floors.get(object.name);
    if (!found) {
      found = this.caller.engine.fieldFloor({
        member: this.caller.member,
        object: object.name,
        action: 'read',
      });
      this.#floors.set(object.name, found);
    }
    return found;
  }

  /** The read states with no `when` cap applied: hidden here means hidden on every record. */
  maxStates(object: GatewayObject): Readonly<Record<string, FieldState>> {
    let found = this.#maxStates.get(object.name);
    if (!found) {
      found = this.caller.engine.fieldStates({
        member: this.caller.member,
        object: object.name,
        action: 'read',
      });
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
    if (field === 'id') return 'read';
    // A field the policy names itself (a join column included) before the relation it follows.
    if (Object.hasOwn(states, field)) return states[field] as FieldState;
    const name = object.stateField(field);
    if (Object.hasOwn(states, name)) return states[name] as FieldState;
    // A field the policy does not list takes `default`, the same on every record.
    return this.caller.engine.fieldState({
      member: this.caller.member,
      object: object.name,
      action,
      field: name,
    });
  }

  /** Refuses unless `field` (and `sub`, for a composite) is readable on every record. */
  requireReadable(object: GatewayObject, path: string, use: string): void {
    const [field, sub] = path.split('.') as [string, string | undefined];
    const floor = this.floor(object);
    const top = this.stateIn(floor, object, field);
    const inner =
      sub !== undefined && Object.hasOwn(floor, `${object.stateField(field)}.${sub}`)
        ? (floor[`${object.stateField(field)}.${sub}`] as FieldState)
        : top;
    if (!READABLE.has(top) || !READABLE.has(inner))
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: ${use} on ${object.name}.${path}, a field this member cannot read on every record`,
        { object: object.name, field: path },
      );
  }

  // ------------------------------------------------------------------------------------------
  // Arguments

  argValue(node: FieldNode, name: string): { arg: ArgumentNode | undefined; value: unknown } {
    const arg = node.arguments?.find((a) => a.name.value === name);
    return { arg, value: arg ? valueFromASTUntyped(arg.value, this.rawVariables) : undefined };
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
      into.add(key);
      if (isJsonObject(inner) && !isOperatorObject(inner)) this.filterPaths(inner, into, key);
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

  /** A new variable holding `value`, of the argument's own type. */
  newVariable(type: string, value: unknown): ValueNode {
    const name = `${RESERVED_PREFIX}v${this.#counter++}`;
    this.addedVariables.push({
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: nameNode(name) },
      type: typeNodeOf(type),
      directives: [],
    });
    this.variables[name] = value;
    return { kind: Kind.VARIABLE, name: nameNode(name) };
  }

  /** The member's scope for `action` ANDed into the client's filter, as a new variable. */
  scopedFilter(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
    action: Action,
    extra?: Json,
  ): FieldNode {
    const { value } = this.argValue(node, 'filter');
    if (value !== undefined && value !== null) this.checkFilter(object, value, 'filtering');
    const decision = this.caller.engine.decide({
      member: this.caller.member,
      object: object.name,
      action,
    });
    if (decision.effect === 'deny')
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: ${action} on ${object.name} (${decision.reasons.join('; ')})`,
        { object: object.name, action },
      );
    const parts: unknown[] = [];
    if (isJsonObject(value) && Object.keys(value).length > 0) parts.push(value);
    if (Object.keys(decision.filter).length > 0) parts.push(decision.filter);
    if (extra) parts.push(extra);
    const filter = parts.length === 0 ? {} : parts.length === 1 ? parts[0] : { and: parts };
    const argType = definition.args.find((a) => a.name === 'filter')?.type.toString();
    if (argType === undefined) throw new Denial('FORBIDDEN', `${definition.name} takes no filter`);
    const args = (node.arguments ?? []).filter((a) => a.name.value !== 'filter');
    args.push({
      kind: Kind.ARGUMENT,
      name: nameNode('filter'),
      value: this.newVariable(argType, filter),
    });
    return { ...node, arguments: args };
  }

  // ------------------------------------------------------------------------------------------
  // Selection sets

  /** The decision fields of an object, as selections under reserved aliases. */
  injections(object: GatewayObject, type: GraphQLObjectType): FieldNode[] {
    let found = this.#injections.get(object.name);
    if (!found) {
      found = decisionSelections(this.caller.policy, object, type, RESERVED_PREFIX);
      this.#injections.set(object.name, found);
    }
    return found;
  }

  selectionSet(set: SelectionSetNode, type: GraphQLObjectType): SelectionSetNode {
    const role = this.model.typeRole(type.name);
    return this.#selectionSet(set, type, role);
  }

  #selectionSet(
    set: SelectionSetNode,
    type: GraphQLObjectType,
    role: TypeRole | undefined,
  ): SelectionSetNode {
    const selections: SelectionNode[] = set.selections.map((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return this.field(selection, type);
        case Kind.INLINE_FRAGMENT: {
          const inner = selection.typeCondition
            ? this.model.schema.getType(selection.typeCondition.name.value)
            : type;
          if (!isObjectType(inner))
            throw new Denial('FORBIDDEN', `Unsupported fragment type ${String(inner)}`);
          return { ...selection, selectionSet: this.selectionSet(selection.selectionSet, inner) };
        }
        case Kind.FRAGMENT_SPREAD:
          return selection;
      }
    });
    if (role !== undefined && this.native.has(role.object.name)) return { ...set, selections };
    if (role?.kind === 'record') selections.push(...this.injections(role.object, type));
    if (role?.kind === 'edge' && !this.fieldNames(set).has('node')) {
      // An edge asked without its node (a cursor alone) is still judged by its record.
      const record = this.model.schema.getType(objectTypeNames(role.object.name).plain);
      if (!isObjectType(record)) throw new Denial('FORBIDDEN', `No record type for ${type.name}`);
      selections.push(
        fieldNode(`${RESERVED_PREFIX}node`, 'node', [
          fieldNode(undefined, 'id'),
          ...this.injections(role.object, record),
        ]),
      );
    }
    return { ...set, selections };
  }

  field(node: FieldNode, parent: GraphQLObjectType): FieldNode {
    const alias = node.alias?.value;
    if (alias?.startsWith(RESERVED_PREFIX) || node.name.value.startsWith(RESERVED_PREFIX))
      throw new Denial(
        'BAD_USER_INPUT',
        `The alias prefix ${RESERVED_PREFIX} is reserved by the gateway (at ${alias ?? node.name.value})`,
      );
    const name = node.name.value;
    if (name === '__typename') return node;
    if (name.startsWith('__'))
      throw new Denial('FORBIDDEN', `Introspection (${name}) is disabled on the gateway`);
    const definition = parent.getFields()[name];
    if (!definition) throw new Denial('BAD_USER_INPUT', `Unknown field ${parent.name}.${name}`);
    const named = getNamedType(definition.type);
    const queryType = this.model.schema.getQueryType();
    const mutationType = this.model.schema.getMutationType();
    if (parent === queryType || parent === mutationType) return this.root(node, definition);

    const role = this.model.typeRole(parent.name);
    let rewritten = node;
    const native = role !== undefined && this.native.has(role.object.name);
    if (role?.kind === 'record') {
      // A native object's fields are Twenty's business; its relations still lead to records
      // the policy governs, and those are judged.
      if (!native) {
        const state = this.stateIn(this.maxStates(role.object), role.object, name);
        if (state === 'hidden') return this.strip(node);
      }
      const target = this.model.typeRole(named.name);
      if (target?.kind === 'connection' && !this.native.has(target.object.name))
        rewritten = this.connectionArgs(node, definition, target.object);
    } else if (role?.kind === 'connection' && !native) {
      if (name !== 'edges' && name !== 'pageInfo' && name !== 'groupByDimensionValues')
        this.checkAggregate(role.object, name);
    }
    if (!rewritten.selectionSet) return rewritten;
    if (!isObjectType(named))
      throw new Denial('FORBIDDEN', `Unsupported selection on ${parent.name}.${name}`);
    return { ...rewritten, selectionSet: this.selectionSet(rewritten.selectionSet, named) };
  }

  /** A field hidden on every record: asked as `__typename` under its key, answered null. */
  strip(node: FieldNode): FieldNode {
    const replaced = fieldNode(node.alias?.value ?? node.name.value, '__typename');
    this.stripped.add(replaced);
    return replaced;
  }

  /** A nested relation connection: scope, and the client's filter and order checked. */
  connectionArgs(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
  ): FieldNode {
    const { value: order } = this.argValue(node, 'orderBy');
    if (order !== undefined && order !== null) this.checkOrder(object, order, 'ordering');
    return this.scopedFilter(node, definition, object, 'read');
  }

  root(node: FieldNode, definition: GraphQLField<unknown, unknown>): FieldNode {
    const root = this.model.root(definition.name);
    if (!root)
      throw new Denial('FORBIDDEN', `${definition.name} is not an operation the gateway knows`);
    const { object, method } = root;
    const named = getNamedType(definition.type);
    // A native object is Twenty's business: only the governed records it leads to are judged.
    const rewritten = this.native.has(object.name)
      ? node
      : this.#governedRoot(node, definition, object, method);
    if (!rewritten.selectionSet) return rewritten;
    if (!isObjectType(named))
      throw new Denial('FORBIDDEN', `Unsupported selection on ${definition.name}`);
    return { ...rewritten, selectionSet: this.selectionSet(rewritten.selectionSet, named) };
  }

  /** A root field of an object the policy governs, checked and rewritten by its method. */
  #governedRoot(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
    method: ResolverMethod,
  ): FieldNode {
    switch (method) {
      case 'findMany':
        return this.connectionArgs(node, definition, object);
      case 'findOne':
        return this.scopedFilter(node, definition, object, 'read');
      case 'groupBy': {
        if (node.arguments?.some((a) => a.name.value === 'viewId'))
          throw new Denial(
            'FORBIDDEN',
            `Permission denied: viewId on ${definition.name} applies a view's filters the gateway cannot check; send the filter itself`,
            { object: object.name },
          );
        this.checkGroupBy(object, this.argValue(node, 'groupBy').value);
        const order = this.argValue(node, 'orderBy').value;
        if (order !== undefined && order !== null) this.checkOrder(object, order, 'ordering');
        const records = this.argValue(node, 'orderByForRecords').value;
        if (records !== undefined && records !== null) this.checkOrder(object, records, 'ordering');
        return this.scopedFilter(node, definition, object, 'read');
      }
      case 'findDuplicates':
        return this.duplicates(node, object);
      case 'createOne':
      case 'createMany':
        return this.create(node, object, method);
      case 'updateMany':
        return this.updateMany(node, definition, object);
      case 'deleteMany':
        return this.scopedFilter(node, definition, object, 'delete');
      case 'destroyMany':
        return this.scopedFilter(node, definition, object, 'destroy');
      case 'restoreMany':
        return this.scopedFilter(node, definition, object, 'delete');
      case 'updateOne':
      case 'deleteOne':
      case 'destroyOne':
      case 'restoreOne': {
        const id = this.argValue(node, 'id').value;
        if (typeof id !== 'string')
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs an id`);
        const data = this.argValue(node, 'data').value;
        if (method === 'updateOne' && !isJsonObject(data))
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs data`);
        this.checks.push({
          kind: 'one',
          object,
          method,
          id,
          ...(isJsonObject(data) ? { data } : {}),
        });
        return node;
      }
      case 'mergeMany': {
        const ids = this.argValue(node, 'ids').value;
        if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string'))
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs ids`);
        this.checks.push({ kind: 'merge', object, ids });
        return node;
      }
    }
  }

  /** Duplicates are found across every record: the member must read the records it names. */
  duplicates(node: FieldNode, object: GatewayObject): FieldNode {
    const decision = this.caller.engine.decide({
      member: this.caller.member,
      object: object.name,
      action: 'read',
    });
    if (decision.effect === 'deny')
      throw new Denial('FORBIDDEN', `Permission denied: read on ${object.name}`);
    // A single value where a list is expected is a list of one, as GraphQL coerces it.
    const raw = this.argValue(node, 'ids').value;
    const ids = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(
      String,
    );
    if (ids.length > 0) this.checks.push({ kind: 'read', object, ids });
    // The host finds duplicates among every record, unscoped: its records are judged one by
    // one in the answer (edges too), but a count, an aggregate or pageInfo's cursors would tell
    // of the others. Fragments included: the fields are collected as the host would.
    for (const name of this.fieldNames(node.selectionSet))
      if (name !== 'edges' && name !== '__typename')
        throw new Denial(
          'FORBIDDEN',
          `Permission denied: ${name} over duplicates tells of records outside this member's scope; ask for edges only`,
          { object: object.name },
        );
    return node;
  }

  /** The field names a selection set selects at its own level, fragments expanded. */
  fieldNames(set: SelectionSetNode | undefined, seen = new Set<string>()): Set<string> {
    const names = new Set<string>();
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        for (const name of this.fieldNames(selection.selectionSet, seen)) names.add(name);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = this.fragments.get(selection.name.value);
        for (const name of this.fieldNames(fragment?.selectionSet, seen)) names.add(name);
      }
    }
    return names;
  }

  create(node: FieldNode, object: GatewayObject, method: ResolverMethod): FieldNode {
    const { value } = this.argValue(node, 'data');
    const items = method === 'createMany' ? (Array.isArray(value) ? value : []) : [value];
    if (items.length === 0 || !items.every(isJsonObject))
      throw new Denial('BAD_USER_INPUT', `${node.name.value} needs data`);
    this.checkCreate(object, items, method === 'createMany');
    if (this.argValue(node, 'upsert').value === true)
      this.checks.push({ kind: 'upsert', object, items });
    return node;
  }

  /**
   * Created items: create allowed, every field set editable (mass assignment), and an item
   * that names an owner or a scoped field must land inside the member's reach.
   */
  checkCreate(object: GatewayObject, items: readonly Json[], many: boolean): void {
    const engine = this.caller.engine;
    const member = this.caller.member;
    const decides = decisionFields(this.caller.policy, object.name);
    items.forEach((item, index) => {
      const at = many ? ` (item ${index})` : '';
      const decision = engine.decide({
        member,
        object: object.name,
        action: 'create',
        record: item,
      });
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
        const read = engine.decide({ member, object: object.name, action: 'read', record: item });
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

  updateMany(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
  ): FieldNode {
    const data = this.argValue(node, 'data').value;
    if (!isJsonObject(data)) throw new Denial('BAD_USER_INPUT', `${definition.name} needs data`);
    // No record to judge `when` rules on: the fields must be editable on every record.
    const floor = this.caller.engine.fieldFloor({
      member: this.caller.member,
      object: object.name,
      action: 'update',
    });
    refuseSystemWrites(object, data, 'update');
    const refused = Object.keys(data).filter(
      (key) => this.stateIn(floor, object, key, 'update') !== 'edit',
    );
    if (refused.length > 0)
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: this member may not set ${refused.map((f) => `${object.name}.${f}`).join(', ')} on every record`,
        { object: object.name, fields: refused },
      );
    const decision = this.caller.engine.decide({
      member: this.caller.member,
      object: object.name,
      action: 'update',
    });
    const scoped = Object.keys(decision.filter).length > 0;
    const decides = decisionFields(this.caller.policy, object.name);
    const moved = Object.keys(data).filter(
      (key) => decides.includes(key) || decides.includes(object.stateField(key)),
    );
    if (scoped && moved.length > 0)
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: ${definition.name} may not change ${moved.join(', ')}, which decide this member's scope; update those records one by one`,
        { object: object.name, fields: moved },
      );
    return this.scopedFilter(node, definition, object, 'update');
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

/**
 * The fields the policy's decisions read on `object`, as selections (a composite with every
 * scalar sub-field), aliased `<prefix><name>` when a prefix is given.
 */
export function decisionSelections(
  policy: Policy,
  object: GatewayObject,
  type: GraphQLObjectType,
  prefix?: string,
): FieldNode[] {
  const fields = type.getFields();
  const selections: FieldNode[] = [];
  for (const [name, subs] of decisionPaths(policy, object.name)) {
    const field = fields[name];
    if (!field) continue;
    const alias = prefix === undefined ? undefined : `${prefix}${name}`;
    const named = getNamedType(field.type);
    if (isObjectType(named)) {
      // A composite: the sub-fields the policy reads (all of them when it reads it whole).
      const known = named.getFields();
      const wanted = Object.values(known)
        .filter((sub) => !isCompositeType(getNamedType(sub.type)))
        .filter((sub) => subs === null || subs.has(sub.name))
        .map((sub) => fieldNode(undefined, sub.name));
      if (wanted.length > 0) selections.push(fieldNode(alias, name, wanted));
    } else selections.push(fieldNode(alias, name));
  }
  return selections;
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
  return metadata?.relation?.joinColumn ?? (metadata?.type === 'RELATION' ? `${field}Id` : field);
}

/** The operation a request selects, as graphql-js picks it. */
export function selectOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName !== undefined) {
    const found = operations.find((o) => o.name?.value === operationName);
    if (!found) throw new Denial('BAD_USER_INPUT', `Unknown operation named "${operationName}"`);
    return found;
  }
  if (operations.length !== 1)
    throw new Denial(
      'BAD_USER_INPUT',
      'Must provide operation name if query contains multiple operations',
    );
  return operations[0] as OperationDefinitionNode;
}

/**
 * Checks and rewrites one validated operation for `caller`. Throws a Denial naming what is
 * refused. Fragments the operation does not use are dropped, as are variables it no longer uses.
 */
export function prepareOperation(
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Readonly<Record<string, unknown>>,
  caller: Caller,
  model: GatewayModel,
): PreparedOperation {
  const operation = selectOperation(document, operationName);
  if (operation.operation === OperationTypeNode.SUBSCRIPTION)
    throw new Denial('FORBIDDEN', 'Subscriptions are not available through the gateway');
  const rootType =
    operation.operation === OperationTypeNode.QUERY
      ? model.schema.getQueryType()
      : model.schema.getMutationType();
  if (!rootType)
    throw new Denial('BAD_USER_INPUT', `The schema has no ${operation.operation} type`);
  const clientFragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d] as const),
  );
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.variable.name.value.startsWith(RESERVED_PREFIX))
      throw new Denial(
        'BAD_USER_INPUT',
        `The variable prefix ${RESERVED_PREFIX} is reserved by the gateway (at $${definition.variable.name.value})`,
      );
  const rewriter = new Rewriter(caller, model, rawVariables, clientFragments);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const type = model.schema.getType(definition.typeCondition.name.value);
    if (!isObjectType(type))
      throw new Denial('BAD_USER_INPUT', `Fragment ${definition.name.value} is on an unknown type`);
    fragments.set(definition.name.value, {
      ...definition,
      selectionSet: rewriter.selectionSet(definition.selectionSet, type),
    });
  }
  // The selection first: rewriting it adds the variables.
  const selectionSet = rewriter.selectionSet(operation.selectionSet, rootType);
  const rewrittenOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [...(operation.variableDefinitions ?? []), ...rewriter.addedVariables],
    selectionSet,
  };
  // Keep the fragments the operation uses (transitively) and the variables it still reads.
  const used = new Set<string>();
  const usedVariables = new Set<string>();
  const pending: SelectionSetNode[] = [rewrittenOperation.selectionSet];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const set = pending.pop() as SelectionSetNode;
    visit(set, {
      FragmentSpread(spread) {
        used.add(spread.name.value);
        const fragment = fragments.get(spread.name.value);
        if (fragment && !seen.has(spread.name.value)) {
          seen.add(spread.name.value);
          pending.push(fragment.selectionSet);
        }
      },
      Variable(variable) {
        usedVariables.add(variable.name.value);
      },
    });
  }
  const variableDefinitions = (rewrittenOperation.variableDefinitions ?? []).filter((d) =>
    usedVariables.has(d.variable.name.value),
  );
  const variables: Record<string, unknown> = {};
  for (const definition of variableDefinitions) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(rewriter.variables, name)) variables[name] = rewriter.variables[name];
  }
  const finalOperation = { ...rewrittenOperation, variableDefinitions };
  const keptFragments = [...fragments.values()].filter((f) => used.has(f.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [finalOperation, ...keptFragments] },
    operation: finalOperation,
    fragments: new Map(keptFragments.map((f) => [f.name.value, f])),
    variables,
    stripped: rewriter.stripped,
    checks: rewriter.checks,
    kind: operation.operation === OperationTypeNode.QUERY ? 'query' : 'mutation',
  };
}
