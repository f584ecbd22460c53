/** What a rewrite collects as it goes: new variables, stripped fields, checks, and scoped filters. */
import {
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { Action } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject } from '../core/model.js';
import { fieldNode, nameNode, typeNodeOf } from '../core/ast.js';
import { isJsonObject, type Json } from '../core/json.js';
import { Denial } from '../core/denial.js';
import { type SingleAnswer } from '../core/guarded-writes.js';
import { NEXT_STEP } from '../core/refusal-words.js';
import { PolicyChecks } from '../core/policy-checks.js';
import { RESERVED_PREFIX } from './types.js';
import type { Caller } from '../core/caller.js';
import type { WriteCheck } from '../core/write-checks.js';
import { type WriteTouch } from './write-sequence.js';

export abstract class RewriterBase extends PolicyChecks {
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

  constructor(
    caller: Caller,
    protected readonly model: GatewayModel,
    protected readonly rawVariables: Readonly<Record<string, unknown>>,
    /** The client's fragment definitions, as written (for judging a selection's fields). */
    protected readonly fragments: ReadonlyMap<string, FragmentDefinitionNode> = new Map(),
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

  /** Rewrites a selection set on `type` (the subclass walks fields). */
  abstract selectionSet(set: SelectionSetNode, type: GraphQLObjectType): SelectionSetNode;
}
