/** Building the GraphQL syntax the gateway adds to a client's operation. */
import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLObjectType,
  type SelectionNode,
  type TypeNode,
} from 'graphql';
import { decisionPaths } from '../../policy/decision-fields.js';
import type { Policy } from '../../policy/schema.js';
import type { GatewayObject } from './model.js';

export function typeNodeOf(text: string): TypeNode {
  if (text.endsWith('!'))
    return { kind: Kind.NON_NULL_TYPE, type: typeNodeOf(text.slice(0, -1)) as never };
  if (text.startsWith('[')) return { kind: Kind.LIST_TYPE, type: typeNodeOf(text.slice(1, -1)) };
  return { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: text } };
}

export function nameNode(value: string) {
  return { kind: Kind.NAME, value } as const;
}

export function fieldNode(
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
