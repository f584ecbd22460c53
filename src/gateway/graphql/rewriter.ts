/**
 * One operation's rewriting for one member (src/gateway/graphql/prepare.ts says what and
 * why): the scope ANDed into filters as new variables, fields hidden on every record
 * stripped, the fields decisions read injected under `_tg_` aliases, and the writes that need
 * the host's record collected as checks.
 */
import {
  getNamedType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { objectTypeNames, type ResolverMethod } from '../../host/core-schema/names.js';
import { decisionFields } from '../../policy/decision-fields.js';
import type { Action } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject, TypeRole } from '../core/model.js';
import {
  isSearchVector,
  SEARCH_ROOT_FIELD,
  searchableObjectNames,
  stringList,
} from '../core/search-vector.js';
import { decisionSelections, fieldNode, nameNode, typeNodeOf } from '../core/ast.js';
import { isJsonObject, type Json } from '../core/json.js';
import { openCursorArgs } from './cursor-args.js';
import { Denial } from '../core/denial.js';
import { duplicateCriteriaPaths, duplicateDataPaths } from './duplicate-data.js';
import { guardedField, type SingleAnswer } from '../core/guarded-writes.js';
import { requireWholeMerge } from './merge-reach.js';
import { NEXT_STEP } from '../core/refusal-words.js';
import { PolicyChecks, refuseSystemWrites } from '../core/policy-checks.js';
import { writtenPaths } from '../core/composite-paths.js';
import { RESERVED_PREFIX } from './types.js';
import type { Caller } from '../core/caller.js';
import type { WriteCheck } from '../core/write-checks.js';
import { touchOf, type WriteTouch } from './write-sequence.js';

export class Rewriter extends PolicyChecks {
  readonly stripped = new WeakSet<FieldNode>();
  readonly checks: WriteCheck[] = [];
  /** What each governed mutation field writes (judged as a sequence in prepare.ts). */
  readonly touches: WriteTouch[] = [];
  readonly singles = new Map<string, SingleAnswer>();
  readonly addedVariables: VariableDefinitionNode[] = [];
  readonly variables: Record<string, unknown>;
  #counter = 0;
  /** Objects left to Twenty's own permissions (policy `gateway.nativeObjects`). */
  readonly native: ReadonlySet<string>;
  readonly #injections = new Map<string, FieldNode[]>();

  constructor(
    caller: Caller,
    private readonly model: GatewayModel,
    private readonly rawVariables: Readonly<Record<string, unknown>>,
    /** The client's fragment definitions, as written (for judging a selection's fields). */
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode> = new Map(),
  ) {
    super(caller);
    this.variables = { ...rawVariables };
    this.native = new Set(caller.policy.gateway?.nativeObjects ?? []);
  }

  /** An argument's value as the client wrote it, variables substituted (undefined when absent). */
  argValue(node: FieldNode, name: string): unknown {
    const arg = node.arguments?.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value, this.rawVariables) : undefined;
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
    const value = this.argValue(node, 'filter');
    if (value !== undefined && value !== null) this.checkFilter(object, value, 'filtering');
    const decision = this.caller.judge.decide(action, object.name);
    if (decision.effect === 'deny')
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: this member may not ${action} ${object.name} records; ${NEXT_STEP}`,
        { object: object.name, action },
        decision.reasons.join('; '),
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
    // Cursors come in sealed by the gateway (src/gateway/cursor-seal.ts); the host gets its own.
    const paged = this.model.typeRole(named.name);
    if (paged?.kind === 'connection')
      node = openCursorArgs(
        node,
        paged.object.name,
        {
          member: this.caller.member,
          rawVariables: this.rawVariables,
          newVariable: (type, value) => this.newVariable(type, value),
        },
        this.caller.cursors,
      );
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
        if (isSearchVector(role.object, name))
          this.requireSearchable(role.object, name, 'selecting');
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
    const order = this.argValue(node, 'orderBy');
    if (order !== undefined && order !== null) this.checkOrder(object, order, 'ordering');
    return this.scopedFilter(node, definition, object, 'read');
  }

  root(node: FieldNode, definition: GraphQLField<unknown, unknown>): FieldNode {
    if (definition.name === SEARCH_ROOT_FIELD) return this.#searchRoot(node, definition);
    const root = this.model.root(definition.name);
    if (!root)
      throw new Denial('FORBIDDEN', `${definition.name} is not an operation the gateway knows`);
    const { object, method } = root;
    // A merge writes records it does not name, of other objects too: judged from the policy
    // before anything else, even when the merged object is left to Twenty.
    if (method === 'mergeMany') requireWholeMerge(this.caller, this.model, object);
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

  /**
   * The workspace-wide `search`: kept to the objects this member may search whole
   * (search-vector.ts `searchableObjectNames`), whatever the client asked or Twenty's role
   * would let through.
   */
  #searchRoot(node: FieldNode, definition: GraphQLField<unknown, unknown>): FieldNode {
    const filter = this.argValue(node, 'filter');
    const filterPaths =
      filter === undefined || filter === null ? [] : [...this.filterPaths(filter, new Set())];
    const names = searchableObjectNames({
      objects: [...this.model.objects.values()],
      requested: stringList(this.argValue(node, 'includedObjectNameSingulars')),
      excluded: stringList(this.argValue(node, 'excludedObjectNameSingulars')),
      isNative: (object) => this.native.has(object.name),
      mayRead: (object) => {
        const decision = this.caller.judge.decide('read', object.name);
        // Search cannot carry a row scope: only objects read whole are searched.
        return decision.effect !== 'deny' && Object.keys(decision.filter).length === 0;
      },
      isSearchable: (object) => this.searchable(object),
      filterReadable: (object) =>
        filterPaths.every((path) => {
          try {
            this.requireReadable(object, path, 'filtering');
            return true;
          } catch {
            return false;
          }
        }),
    });
    const type = definition.args.find((a) => a.name === 'includedObjectNameSingulars')?.type;
    const args = (node.arguments ?? []).filter(
      (a) => a.name.value !== 'includedObjectNameSingulars',
    );
    args.push({
      kind: Kind.ARGUMENT,
      name: nameNode('includedObjectNameSingulars'),
      value: this.newVariable(type?.toString() ?? '[String!]', names),
    });
    const rewritten = { ...node, arguments: args };
    const named = getNamedType(definition.type);
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
    const name = node.alias?.value ?? node.name.value;
    const touch = touchOf(method, object.name, name, node.name.value, (arg) =>
      this.argValue(node, arg),
    );
    if (touch) this.touches.push(touch);
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
        this.checkGroupBy(object, this.argValue(node, 'groupBy'));
        const order = this.argValue(node, 'orderBy');
        if (order !== undefined && order !== null) this.checkOrder(object, order, 'ordering');
        const records = this.argValue(node, 'orderByForRecords');
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
        const id = this.argValue(node, 'id');
        if (typeof id !== 'string')
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs an id`);
        const data = this.argValue(node, 'data');
        if (method === 'updateOne' && !isJsonObject(data))
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs data`);
        // The scope and the fields judged go into the write itself (src/gateway/graphql/guarded-writes.ts).
        const guarded = guardedField(node, object, method, id, this.caller, (type, value) =>
          this.newVariable(type, value),
        );
        this.singles.set(guarded.node.alias?.value ?? name, { object: object.name, id });
        this.checks.push({
          kind: 'one',
          object,
          method,
          id,
          ...(isJsonObject(data) ? { data } : {}),
          guard: guarded.guard,
        });
        return guarded.node;
      }
      case 'mergeMany': {
        const ids = this.argValue(node, 'ids');
        if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string'))
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs ids`);
        this.checks.push({ kind: 'merge', object, ids });
        return node;
      }
    }
  }

  /**
   * Duplicates are found across every record: the member must read the records it names, and
   * read in clear every field they are matched on.
   */
  duplicates(node: FieldNode, object: GatewayObject): FieldNode {
    const decision = this.caller.judge.decide('read', object.name);
    if (decision.effect === 'deny')
      throw new Denial('FORBIDDEN', `Permission denied: read on ${object.name}`);
    // A single value where a list is expected is a list of one, as GraphQL coerces it.
    const raw = this.argValue(node, 'ids');
    const ids = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(
      String,
    );
    if (ids.length > 0) this.checks.push({ kind: 'read', object, ids });
    // Duplicates of a record named by id are the records sharing its values on the criteria
    // fields: an answer would tell that a value hidden or masked on one record equals a value
    // shown on another. So, as for `data`, each must be readable in clear on every record.
    if (raw !== undefined && raw !== null) {
      const criteria = duplicateCriteriaPaths(object.name);
      if (criteria === undefined)
        throw new Denial(
          'FORBIDDEN',
          `Permission denied: duplicates of ${object.name} records by id are not available through the gateway`,
          { object: object.name },
        );
      for (const path of criteria)
        this.requireReadable(object, path, 'finding duplicates by id, matched');
    }
    // The values of `data` are matched against every record: judged as a filter's.
    for (const path of duplicateDataPaths(this.argValue(node, 'data')))
      this.requireReadable(object, path, 'finding duplicates by');
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
    const value = this.argValue(node, 'data');
    const items = method === 'createMany' ? (Array.isArray(value) ? value : []) : [value];
    if (items.length === 0 || !items.every(isJsonObject))
      throw new Denial('BAD_USER_INPUT', `${node.name.value} needs data`);
    this.checkCreate(object, items, method === 'createMany');
    if (this.argValue(node, 'upsert') === true) this.checks.push({ kind: 'upsert', object, items });
    return node;
  }

  updateMany(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
  ): FieldNode {
    const data = this.argValue(node, 'data');
    if (!isJsonObject(data)) throw new Denial('BAD_USER_INPUT', `${definition.name} needs data`);
    // No record to judge `when` rules on: the fields must be editable on every record.
    const floor = this.caller.judge.fieldFloor('update', object.name);
    refuseSystemWrites(object, data, 'update');
    const refused = writtenPaths(object, data).filter(
      (key) => this.stateIn(floor, object, key, 'update') !== 'edit',
    );
    if (refused.length > 0)
      throw new Denial(
        'FORBIDDEN',
        `Permission denied: this member may not set ${refused.map((f) => `${object.name}.${f}`).join(', ')} on every record`,
        { object: object.name, fields: refused },
      );
    const decision = this.caller.judge.decide('update', object.name);
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
