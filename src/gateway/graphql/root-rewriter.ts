/** Root fields of Query and Mutation, checked and rewritten by the resolver method they name. */
import { getNamedType, isObjectType, Kind, type FieldNode, type GraphQLField } from 'graphql';
import { type ResolverMethod } from '../../host/core-schema/names.js';
import { decisionFields } from '../../policy/decision-fields.js';
import type { GatewayObject } from '../core/model.js';
import { SEARCH_ROOT_FIELD, searchableObjectNames, stringList } from '../core/search-vector.js';
import { nameNode } from '../core/ast.js';
import { isJsonObject } from '../core/json.js';
import { Denial } from '../core/denial.js';
import { duplicateCriteriaPaths, duplicateDataPaths } from './duplicate-data.js';
import { guardedField } from '../core/guarded-writes.js';
import { requireWholeMerge } from './merge-reach.js';
import { refuseSystemWrites } from '../core/policy-checks.js';
import { writtenPaths } from '../core/composite-paths.js';
import { touchOf } from './write-sequence.js';

import { RewriterBase } from './rewriter-base.js';

export abstract class RootRewriter extends RewriterBase {
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
   * (core/search-vector.ts `searchableObjectNames`), whatever the client asked or Twenty's role
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
      case 'groupBy':
        return this.#groupBy(node, definition, object);
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
      case 'restoreOne':
        return this.#oneRecord(node, definition, object, method, name);
      case 'mergeMany': {
        const ids = this.argValue(node, 'ids');
        if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string'))
          throw new Denial('BAD_USER_INPUT', `${definition.name} needs ids`);
        this.checks.push({ kind: 'merge', object, ids });
        return node;
      }
    }
  }

  /** A group-by: its dimensions and orders readable on every record, the scope ANDed in. */
  #groupBy(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
  ): FieldNode {
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

  /** A one-record write, forwarded with its decision inside it (core/guarded-writes.ts). */
  #oneRecord(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    object: GatewayObject,
    method: 'updateOne' | 'deleteOne' | 'destroyOne' | 'restoreOne',
    name: string,
  ): FieldNode {
    const id = this.argValue(node, 'id');
    if (typeof id !== 'string')
      throw new Denial('BAD_USER_INPUT', `${definition.name} needs an id`);
    const data = this.argValue(node, 'data');
    if (method === 'updateOne' && !isJsonObject(data))
      throw new Denial('BAD_USER_INPUT', `${definition.name} needs data`);
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
