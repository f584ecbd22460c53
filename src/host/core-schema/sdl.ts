/**
 * Writing GraphQL SDL text. The core schema is assembled as SDL and handed to graphql-js
 * `buildSchema`, which checks it and gives the printed snapshot its canonical layout.
 */

export interface SdlArg {
  readonly name: string;
  readonly type: string;
}

export interface SdlField {
  readonly name: string;
  readonly type: string;
  readonly args?: readonly SdlArg[];
  readonly description?: string;
}

export interface SdlEnumValue {
  readonly name: string;
  readonly description?: string;
}

/** A GraphQL string literal; JSON escaping is valid GraphQL escaping. */
function describe(description: string | undefined, indent: string): string {
  return description === undefined ? '' : `${indent}${JSON.stringify(description)}\n`;
}

function printArgs(args: readonly SdlArg[] | undefined): string {
  if (args === undefined || args.length === 0) return '';
  return `(${args.map((arg) => `${arg.name}: ${arg.type}`).join(', ')})`;
}

function printField(field: SdlField): string {
  return `${describe(field.description, '  ')}  ${field.name}${printArgs(field.args)}: ${field.type}`;
}

function checkUnique(owner: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${owner} defines "${name}" twice`);
    seen.add(name);
  }
}

/** `type X { … }` or `input X { … }`; an empty block is an error in GraphQL, so it throws. */
export function block(
  keyword: 'type' | 'input',
  name: string,
  fields: readonly SdlField[],
  description?: string,
): string {
  if (fields.length === 0) throw new Error(`${keyword} ${name} has no fields`);
  checkUnique(
    name,
    fields.map((field) => field.name),
  );
  const body = fields.map(printField).join('\n');
  return `${describe(description, '')}${keyword} ${name} {\n${body}\n}`;
}

export function enumBlock(
  name: string,
  values: readonly SdlEnumValue[],
  description?: string,
): string {
  checkUnique(
    name,
    values.map((value) => value.name),
  );
  const body = values
    .map((value) => `${describe(value.description, '  ')}  ${value.name}`)
    .join('\n');
  return `${describe(description, '')}enum ${name} {\n${body}\n}`;
}

export function scalarBlock(name: string, description?: string): string {
  return `${describe(description, '')}scalar ${name}`;
}

/** A GraphQL name: option values become enum values and must be valid names. */
export function assertGraphqlName(name: string, where: string): void {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) {
    throw new Error(`${where}: "${name}" is not a valid GraphQL name`);
  }
}
