import ts from 'typescript';

import { readDocComment } from './doc-comment.js';
import type { DocComment } from './doc-comment.js';
import { readTsType, readTypeAlias } from './dts-types.js';
import type { DtsAlias } from './dts-types.js';
import { SchemaGenError, nullable } from './type-ref.js';
import type { TypeRef } from './type-ref.js';

/**
 * What genql's `schema.d.ts` says about the schema: every type's kind, its fields with their list
 * and non-null markers, enum values, union members, the custom scalars, and (from the
 * `...GenqlSelection` request types) each argument's optionality and description.
 */
export interface DtsSchema {
  readonly scalars: readonly string[];
  readonly types: ReadonlyMap<string, DtsType>;
  /** Keyed by `Type.field`, in declaration order. */
  readonly fieldArgs: ReadonlyMap<string, readonly DtsValue[]>;
  /** Exports that are none of the above (helpers), reported so nothing is dropped silently. */
  readonly ignored: readonly string[];
}

export type DtsType =
  | DtsAlias
  | {
      readonly kind: 'object';
      readonly name: string;
      readonly doc: DocComment;
      readonly fields: readonly DtsField[];
    }
  | {
      readonly kind: 'input';
      readonly name: string;
      readonly doc: DocComment;
      readonly fields: readonly DtsValue[];
    };

export interface DtsField {
  readonly name: string;
  readonly type: TypeRef;
  readonly doc: DocComment;
}

/** An input field or argument. */
export interface DtsValue {
  readonly name: string;
  readonly type: TypeRef;
  /** genql marks a non-null value optional only when the server gives it a default. */
  readonly hasDefault: boolean;
  readonly doc: DocComment;
}

const SELECTION_SUFFIX = 'GenqlSelection';
const TYPENAME = '__typename';

export function readSchemaDts(source: string, fileName: string): DtsSchema {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const types = new Map<string, DtsType>();
  const fieldArgs = new Map<string, readonly DtsValue[]>();
  const ignored: string[] = [];
  let scalars: readonly string[] | undefined;
  for (const statement of file.statements) {
    if (ts.isTypeAliasDeclaration(statement)) {
      const name = statement.name.text;
      if (name === 'Scalars') scalars = readScalars(statement);
      else {
        const alias = readTypeAlias(statement, file);
        if (alias === undefined) ignored.push(name);
        else types.set(name, alias);
      }
    } else if (ts.isInterfaceDeclaration(statement)) {
      const name = statement.name.text;
      if (name.endsWith(SELECTION_SUFFIX)) {
        readSelectionArgs(statement, file, name.slice(0, -SELECTION_SUFFIX.length), fieldArgs);
      } else types.set(name, readInterface(statement, file));
    } else if (!ts.isImportDeclaration(statement)) {
      ignored.push(declarationName(statement));
    }
  }
  if (scalars === undefined) throw new SchemaGenError(`${fileName}: no Scalars type`);
  return { scalars, types, fieldArgs, ignored };
}

function readScalars(alias: ts.TypeAliasDeclaration): string[] {
  if (!ts.isTypeLiteralNode(alias.type)) throw new SchemaGenError('Scalars is not a type literal');
  return alias.type.members.map((member) => memberName(member));
}

/**
 * An output type carries a `__typename` literal; an input type does not. That is the only marker
 * separating them, since genql's type map lists both alike.
 */
function readInterface(node: ts.InterfaceDeclaration, file: ts.SourceFile): DtsType {
  const name = node.name.text;
  const doc = readDocComment(node, file);
  const properties = node.members.filter(ts.isPropertySignature);
  const isOutput = properties.some((p) => memberName(p) === TYPENAME);
  const own = properties.filter((p) => memberName(p) !== TYPENAME);
  if (isOutput) {
    return { kind: 'object', name, doc, fields: own.map((p) => readOutputField(name, p, file)) };
  }
  return { kind: 'input', name, doc, fields: own.map((p) => readValue(name, p, file)) };
}

/** Output fields: nullable ones are written `field?: T` (no `| null` at the top). */
function readOutputField(owner: string, node: ts.PropertySignature, file: ts.SourceFile): DtsField {
  const type = readTsType(typeOf(owner, node), `${owner}.${memberName(node)}`);
  return {
    name: memberName(node),
    type: node.questionToken === undefined ? type : nullable(type),
    doc: readDocComment(node, file),
  };
}

/** Input fields and arguments: nullable ones are `(T | null)`; `?` alone means a default. */
function readValue(owner: string, node: ts.PropertySignature, file: ts.SourceFile): DtsValue {
  const type = readTsType(typeOf(owner, node), `${owner}.${memberName(node)}`);
  return {
    name: memberName(node),
    type,
    hasDefault: node.questionToken !== undefined && type.kind === 'nonNull',
    doc: readDocComment(node, file),
  };
}

/** Arguments sit in a `__args` literal somewhere inside the field's selection type. */
function readSelectionArgs(
  node: ts.InterfaceDeclaration,
  file: ts.SourceFile,
  owner: string,
  into: Map<string, readonly DtsValue[]>,
): void {
  for (const member of node.members) {
    if (!ts.isPropertySignature(member) || member.type === undefined) continue;
    const args = findArgsLiteral(member.type);
    if (args === undefined) continue;
    const where = `${owner}.${memberName(member)}`;
    const values = args.members.map((arg) => {
      if (!ts.isPropertySignature(arg)) throw new SchemaGenError(`${where}: odd __args member`);
      return readValue(where, arg, file);
    });
    into.set(where, values);
  }
}

function findArgsLiteral(node: ts.Node): ts.TypeLiteralNode | undefined {
  if (ts.isPropertySignature(node) && memberName(node) === '__args') {
    return node.type !== undefined && ts.isTypeLiteralNode(node.type) ? node.type : undefined;
  }
  return ts.forEachChild(node, findArgsLiteral);
}

function typeOf(owner: string, node: ts.PropertySignature): ts.TypeNode {
  if (node.type === undefined) throw new SchemaGenError(`${owner}.${memberName(node)}: no type`);
  return node.type;
}

function memberName(member: ts.TypeElement): string {
  const name = member.name;
  if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name))) return name.text;
  throw new SchemaGenError('schema.d.ts: a member has no plain name');
}

function declarationName(statement: ts.Statement): string {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => d.name.getText()).join(', ');
  }
  if (ts.isFunctionDeclaration(statement) && statement.name !== undefined)
    return statement.name.text;
  return ts.SyntaxKind[statement.kind];
}
