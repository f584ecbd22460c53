import ts from 'typescript';

import { SchemaGenError, namedTypeOf, named, parseTypeString, printTypeRef } from './type-ref.js';
import type { TypeRef } from './type-ref.js';

/**
 * genql's type map, decompressed: for every type its fields in the server's order, each with the
 * named type it returns and, for output fields, the exact SDL type of every argument. It is the
 * only source of argument types; it says nothing about nullability or lists of fields.
 */
export interface TypeMap {
  /** Scalars and enums alike: genql keeps them in one list. */
  readonly leafTypeNames: ReadonlySet<string>;
  readonly types: ReadonlyMap<string, readonly TypeMapField[]>;
}

export interface TypeMapField {
  readonly name: string;
  readonly typeName: string;
  readonly args: readonly TypeMapArg[];
}

export interface TypeMapArg {
  readonly name: string;
  readonly type: TypeRef;
}

/**
 * Reads the map by parsing the bundle rather than importing it: the map is a plain literal that
 * the bundle does not export. It is found by shape (`{ scalars: [...], types: {...} }`), not by its
 * minified variable name, which changes from build to build.
 */
export function readTypeMap(source: string, fileName: string): TypeMap {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  );
  const literals = findTypeMapLiterals(file);
  const literal = literals[0];
  if (literals.length !== 1 || literal === undefined) {
    throw new SchemaGenError(`${fileName}: expected one genql type map, found ${literals.length}`);
  }
  const typeNames = literal.types.properties.map((property) => propertyName(property));
  const nameAt = (index: number): string => {
    const name = typeNames[index];
    if (name === undefined) throw new SchemaGenError(`type map: no type at index ${index}`);
    return name;
  };
  const leafTypeNames = new Set(literal.scalars.elements.map((e) => nameAt(numberOf(e))));
  const types = new Map<string, readonly TypeMapField[]>();
  for (const property of literal.types.properties) {
    const typeName = propertyName(property);
    const fields = objectOf(initializerOf(property)).properties.map((field) =>
      readField(`${typeName}.${propertyName(field)}`, field, nameAt),
    );
    types.set(typeName, fields);
  }
  return { leafTypeNames, types };
}

interface TypeMapLiteral {
  readonly scalars: ts.ArrayLiteralExpression;
  readonly types: ts.ObjectLiteralExpression;
}

function findTypeMapLiterals(file: ts.SourceFile): TypeMapLiteral[] {
  const found: TypeMapLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const scalars = propertyValue(node, 'scalars');
      const types = propertyValue(node, 'types');
      if (
        scalars !== undefined &&
        ts.isArrayLiteralExpression(scalars) &&
        types !== undefined &&
        ts.isObjectLiteralExpression(types)
      ) {
        found.push({ scalars, types });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** A field is `[typeIndex]` or `[typeIndex, { arg: [typeIndex, "SDL type"?] }]`. */
function readField(
  where: string,
  property: ts.ObjectLiteralElementLike,
  nameAt: (index: number) => string,
): TypeMapField {
  const [typeIndex, argsNode] = arrayOf(initializerOf(property)).elements;
  if (typeIndex === undefined) throw new SchemaGenError(`type map: ${where} has no type`);
  const typeName = nameAt(numberOf(typeIndex));
  const args =
    argsNode === undefined
      ? []
      : objectOf(argsNode).properties.map((arg) =>
          readArg(`${where}(${propertyName(arg)})`, arg, nameAt),
        );
  return { name: propertyName(property), typeName, args };
}

/** genql stores the SDL spelling only when it differs from the bare name (a nullable argument). */
function readArg(
  where: string,
  property: ts.ObjectLiteralElementLike,
  nameAt: (index: number) => string,
): TypeMapArg {
  const [typeIndex, spelling] = arrayOf(initializerOf(property)).elements;
  if (typeIndex === undefined) throw new SchemaGenError(`type map: ${where} has no type`);
  const typeName = nameAt(numberOf(typeIndex));
  if (spelling === undefined) return { name: propertyName(property), type: named(typeName) };
  if (!ts.isStringLiteral(spelling)) throw new SchemaGenError(`type map: ${where} is not a string`);
  const type = parseTypeString(spelling.text);
  if (namedTypeOf(type) !== typeName) {
    throw new SchemaGenError(
      `type map: ${where} is spelled ${printTypeRef(type)} but indexes type ${typeName}`,
    );
  }
  return { name: propertyName(property), type };
}

function propertyValue(node: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const property = node.properties.find(
    (p) => ts.isPropertyAssignment(p) && propertyNameOrUndefined(p) === name,
  );
  return property !== undefined && ts.isPropertyAssignment(property)
    ? property.initializer
    : undefined;
}

function propertyNameOrUndefined(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

function propertyName(property: ts.ObjectLiteralElementLike): string {
  const name = propertyNameOrUndefined(property);
  if (name === undefined) throw new SchemaGenError('type map: a property has no literal name');
  return name;
}

function initializerOf(property: ts.ObjectLiteralElementLike): ts.Expression {
  if (!ts.isPropertyAssignment(property)) {
    throw new SchemaGenError(`type map: ${propertyName(property)} is not a plain property`);
  }
  return property.initializer;
}

function objectOf(node: ts.Expression): ts.ObjectLiteralExpression {
  if (!ts.isObjectLiteralExpression(node)) throw new SchemaGenError('type map: expected an object');
  return node;
}

function arrayOf(node: ts.Expression): ts.ArrayLiteralExpression {
  if (!ts.isArrayLiteralExpression(node)) throw new SchemaGenError('type map: expected an array');
  return node;
}

function numberOf(node: ts.Expression): number {
  if (!ts.isNumericLiteral(node)) throw new SchemaGenError('type map: expected a type index');
  return Number(node.text);
}
