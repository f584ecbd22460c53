import { Kind, print } from 'graphql';
import type {
  ConstDirectiveNode,
  DefinitionNode,
  DocumentNode,
  FieldDefinitionNode,
  InputValueDefinitionNode,
  NameNode,
  StringValueNode,
  TypeNode,
} from 'graphql';

import type { SchemaField, SchemaType, SchemaValue } from './model.js';
import type { TypeRef } from './type-ref.js';

/** Root operation types first, then by kind, then by name: a reader finds Query at the top. */
const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];
const KIND_ORDER: readonly SchemaType['kind'][] = ['object', 'input', 'enum', 'union', 'scalar'];

/**
 * Prints the merged schema through graphql-js's own printer, so quoting of descriptions and
 * deprecation reasons is the library's, not ours. Field order is the package's (the server's).
 */
export function printSdl(types: readonly SchemaType[], header: readonly string[]): string {
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [...types].sort(compareTypes).map(definitionOf),
  };
  const comment = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  return `${comment}\n\n${print(document)}\n`;
}

function compareTypes(a: SchemaType, b: SchemaType): number {
  const rank = (t: SchemaType) => {
    const root = ROOT_TYPES.indexOf(t.name);
    return root >= 0 ? root : ROOT_TYPES.length + KIND_ORDER.indexOf(t.kind);
  };
  // Code-unit order, not localeCompare: the output must not depend on the machine's locale.
  return rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function definitionOf(type: SchemaType): DefinitionNode {
  const common = { name: nameNode(type.name), description: description(type.description) };
  switch (type.kind) {
    case 'scalar':
      return { kind: Kind.SCALAR_TYPE_DEFINITION, ...common };
    case 'enum':
      return {
        kind: Kind.ENUM_TYPE_DEFINITION,
        ...common,
        values: type.values.map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: nameNode(v) })),
      };
    case 'union':
      return {
        kind: Kind.UNION_TYPE_DEFINITION,
        ...common,
        types: type.members.map((m) => ({ kind: Kind.NAMED_TYPE, name: nameNode(m) })),
      };
    case 'object':
      return { kind: Kind.OBJECT_TYPE_DEFINITION, ...common, fields: type.fields.map(fieldOf) };
    case 'input':
      return {
        kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
        ...common,
        fields: type.fields.map(valueOf),
      };
  }
}

function fieldOf(field: SchemaField): FieldDefinitionNode {
  return {
    kind: Kind.FIELD_DEFINITION,
    name: nameNode(field.name),
    description: description(field.description),
    arguments: field.args.map(valueOf),
    type: typeNode(field.type),
    directives: field.deprecationReason === undefined ? [] : [deprecated(field.deprecationReason)],
  };
}

function valueOf(value: SchemaValue): InputValueDefinitionNode {
  return {
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: nameNode(value.name),
    description: description(value.description),
    type: typeNode(value.type),
  };
}

function deprecated(reason: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: nameNode('deprecated'),
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: nameNode('reason'),
        value: { kind: Kind.STRING, value: reason, block: false },
      },
    ],
  };
}

function typeNode(ref: TypeRef): TypeNode {
  switch (ref.kind) {
    case 'named':
      return { kind: Kind.NAMED_TYPE, name: nameNode(ref.name) };
    case 'list':
      return { kind: Kind.LIST_TYPE, type: typeNode(ref.of) };
    case 'nonNull': {
      const inner = typeNode(ref.of);
      if (inner.kind === Kind.NON_NULL_TYPE) return inner;
      return { kind: Kind.NON_NULL_TYPE, type: inner };
    }
  }
}

function description(text: string | undefined): StringValueNode | undefined {
  return text === undefined ? undefined : { kind: Kind.STRING, value: text, block: true };
}

const nameNode = (value: string): NameNode => ({ kind: Kind.NAME, value });
