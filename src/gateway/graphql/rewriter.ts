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
  type FieldNode,
  type GraphQLObjectType,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { objectTypeNames } from '../../host/core-schema/names.js';
import type { GatewayObject, TypeRole } from '../core/model.js';
import { isSearchVector } from '../core/search-vector.js';
import { decisionSelections, fieldNode } from '../core/ast.js';
import { openCursorArgs } from './cursor-args.js';
import { Denial } from '../core/denial.js';
import { RESERVED_PREFIX } from './types.js';

import { RootRewriter } from './root-rewriter.js';

export class Rewriter extends RootRewriter {
  readonly #injections = new Map<string, FieldNode[]>();

  /** The decision fields of an object, as selections under reserved aliases. */
  injections(object: GatewayObject, type: GraphQLObjectType): FieldNode[] {
    let found = this.#injections.get(object.name);
    if (!found) {
      found = decisionSelections(this.caller.policy, object, type, RESERVED_PREFIX);
      this.#injections.set(object.name, found);
    }
    return found;
  }

  override selectionSet(set: SelectionSetNode, type: GraphQLObjectType): SelectionSetNode {
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
    // Cursors come in sealed by the gateway (src/gateway/core/cursor-seal.ts); the host gets its own.
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
}
