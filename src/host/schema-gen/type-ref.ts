/**
 * A GraphQL type reference (`[Role!]!`), shared by both package readers so their answers can be
 * compared before anything is printed.
 */
export type TypeRef =
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'list'; readonly of: TypeRef }
  | { readonly kind: 'nonNull'; readonly of: TypeRef };

/** Raised for anything the generator cannot resolve; main turns it into a non-zero exit. */
export class SchemaGenError extends Error {
  override readonly name = 'SchemaGenError';
}

export const named = (name: string): TypeRef => ({ kind: 'named', name });
export const listOf = (of: TypeRef): TypeRef => ({ kind: 'list', of });
export const nonNull = (of: TypeRef): TypeRef =>
  of.kind === 'nonNull' ? of : { kind: 'nonNull', of };

/** The type without its outermost `!`, as a nullable output field or optional input has it. */
export const nullable = (ref: TypeRef): TypeRef => (ref.kind === 'nonNull' ? ref.of : ref);

export function namedTypeOf(ref: TypeRef): string {
  return ref.kind === 'named' ? ref.name : namedTypeOf(ref.of);
}

export function printTypeRef(ref: TypeRef): string {
  switch (ref.kind) {
    case 'named':
      return ref.name;
    case 'list':
      return `[${printTypeRef(ref.of)}]`;
    case 'nonNull':
      return `${printTypeRef(ref.of)}!`;
  }
}

export const sameTypeRef = (a: TypeRef, b: TypeRef): boolean => printTypeRef(a) === printTypeRef(b);

const NAME = /^[_A-Za-z][_0-9A-Za-z]*/;

/**
 * Parses the SDL spelling genql stores for an argument (`"[ViewType!]"`, `"UUID!"`). Strict: any
 * leftover text is an error, since a misread marker would silently change the contract.
 */
export function parseTypeString(text: string): TypeRef {
  const [ref, end] = parseAt(text, 0);
  if (end !== text.length) throw new SchemaGenError(`cannot parse type "${text}"`);
  return ref;
}

function parseAt(text: string, start: number): [TypeRef, number] {
  let ref: TypeRef;
  let pos: number;
  if (text[start] === '[') {
    const [inner, innerEnd] = parseAt(text, start + 1);
    if (text[innerEnd] !== ']') throw new SchemaGenError(`unclosed list in type "${text}"`);
    ref = listOf(inner);
    pos = innerEnd + 1;
  } else {
    const match = NAME.exec(text.slice(start));
    if (match === null) throw new SchemaGenError(`expected a type name in "${text}"`);
    ref = named(match[0]);
    pos = start + match[0].length;
  }
  if (text[pos] === '!') return [nonNull(ref), pos + 1];
  return [ref, pos];
}
