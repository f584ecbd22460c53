import ts from 'typescript';

import { readDocComment } from './doc-comment.js';
import type { DocComment } from './doc-comment.js';
import { SchemaGenError, listOf, named, nonNull } from './type-ref.js';
import type { TypeRef } from './type-ref.js';

/** The kinds genql writes as `type` aliases rather than interfaces. */
export type DtsAlias =
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly doc: DocComment;
      readonly values: readonly string[];
    }
  | {
      readonly kind: 'union';
      readonly name: string;
      readonly doc: DocComment;
      readonly members: readonly string[];
    };

/**
 * Turns genql's TypeScript spelling of a GraphQL type back into the type: `X[]` is a list,
 * `(X | null)` is nullable, anything else is non-null; scalars appear as `Scalars['Name']`.
 * Anything else is an error, since guessing would change the contract.
 */
export function readTsType(node: ts.TypeNode, where: string): TypeRef {
  const { inner, isNullable } = withoutNull(node, where);
  const bare = readBareType(inner, where);
  return isNullable ? bare : nonNull(bare);
}

function withoutNull(
  node: ts.TypeNode,
  where: string,
): { inner: ts.TypeNode; isNullable: boolean } {
  const unwrapped = unparenthesize(node);
  if (!ts.isUnionTypeNode(unwrapped)) return { inner: unwrapped, isNullable: false };
  const rest = unwrapped.types.filter((t) => !isNullish(t));
  const only = rest[0];
  if (rest.length !== 1 || only === undefined) {
    throw new SchemaGenError(`${where}: cannot read type ${node.getText()}`);
  }
  return { inner: unparenthesize(only), isNullable: rest.length < unwrapped.types.length };
}

function readBareType(node: ts.TypeNode, where: string): TypeRef {
  if (ts.isArrayTypeNode(node)) return listOf(readTsType(node.elementType, where));
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !node.typeArguments) {
    return named(node.typeName.text);
  }
  const scalar = scalarName(node);
  if (scalar !== undefined) return named(scalar);
  throw new SchemaGenError(`${where}: cannot read type ${node.getText()}`);
}

/** `Scalars['DateTime']` → `DateTime`. */
function scalarName(node: ts.TypeNode): string | undefined {
  if (!ts.isIndexedAccessTypeNode(node)) return undefined;
  const { objectType, indexType } = node;
  const isScalars =
    ts.isTypeReferenceNode(objectType) &&
    ts.isIdentifier(objectType.typeName) &&
    objectType.typeName.text === 'Scalars';
  if (!isScalars || !ts.isLiteralTypeNode(indexType) || !ts.isStringLiteral(indexType.literal)) {
    return undefined;
  }
  return indexType.literal.text;
}

function isNullish(node: ts.TypeNode): boolean {
  return (
    node.kind === ts.SyntaxKind.UndefinedKeyword ||
    (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword)
  );
}

function unparenthesize(node: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(node) ? unparenthesize(node.type) : node;
}

/**
 * Enums are unions of string literals (`'A' | 'B'`, or one literal); unions are
 * `(A | B) & { __isUnion?: true }`. Any other alias is not a GraphQL type: undefined.
 */
export function readTypeAlias(
  node: ts.TypeAliasDeclaration,
  file: ts.SourceFile,
): DtsAlias | undefined {
  const name = node.name.text;
  const doc = readDocComment(node, file);
  const values = stringLiterals(node.type);
  if (values !== undefined) return { kind: 'enum', name, doc, values };
  const members = unionMembers(node.type);
  if (members !== undefined) return { kind: 'union', name, doc, members };
  return undefined;
}

function stringLiterals(node: ts.TypeNode): string[] | undefined {
  const parts = ts.isUnionTypeNode(node) ? [...node.types] : [node];
  const values = parts.map((part) =>
    ts.isLiteralTypeNode(part) && ts.isStringLiteral(part.literal) ? part.literal.text : undefined,
  );
  return values.every((v) => v !== undefined) ? values : undefined;
}

function unionMembers(node: ts.TypeNode): string[] | undefined {
  if (!ts.isIntersectionTypeNode(node)) return undefined;
  const [members, marker] = node.types;
  if (members === undefined || marker === undefined || !ts.isTypeLiteralNode(marker))
    return undefined;
  const isUnionMarker = marker.members.some((m) => m.name?.getText() === '__isUnion');
  if (!isUnionMarker) return undefined;
  const inner = unparenthesize(members);
  const parts = ts.isUnionTypeNode(inner) ? [...inner.types] : [inner];
  const names = parts.map((part) =>
    ts.isTypeReferenceNode(part) && ts.isIdentifier(part.typeName) ? part.typeName.text : undefined,
  );
  return names.every((n) => n !== undefined) ? names : undefined;
}
