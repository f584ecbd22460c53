/**
 * Twenty's REST `filter` query parameter, read into the JSON filter the GraphQL API takes, and
 * printed back. Pure: no I/O, no metadata.
 *
 * A gateway must read a filter exactly as Twenty will, and Twenty's reader is a character scanner
 * with quirks (twentyhq/twenty `packages/twenty-server/src/engine/api/rest/input-request-parsers/
 * filter-parser-utils/`, from `parse-filter-rest-request.util.ts` down): parentheses are counted
 * inside quotes, a bracket or the other quote inside a quoted string flips its state, whitespace
 * is kept, `[]` is a list of one empty string. So this reader accepts only a subset on which both
 * agree and refuses the rest, naming the position (0-based, in UTF-16 units): whitespace outside
 * quotes or a line break anywhere; a quoted string holding its own quote, an odd number of the
 * other quote or of brackets, or unbalanced parentheses; a comma in an `in` item, or an empty
 * list; a field name that is not an identifier or is a conjunction or comparator; and several
 * top-level terms that Twenty would read as one conjunction (`and(a[eq]:1),or(b[eq]:2)`).
 *
 * On purpose, values are typed by how they are written (an unquoted numeral in JavaScript's
 * canonical form is a number, unquoted `true`/`false` a boolean, anything else the string
 * written), where Twenty's metadata-free reader keeps every value a string; a caller with
 * metadata converts further (src/sandbox/rest does). One top-level term is returned bare, where
 * Twenty wraps it in `{ and: [ … ] }`, which selects the same records.
 */

export const REST_FILTER_COMPARATORS = [
  'eq',
  'neq',
  'in',
  'containsAny',
  'is',
  'gt',
  'gte',
  'lt',
  'lte',
  'startsWith',
  'endsWith',
  'like',
  'ilike',
] as const;

export type RestFilterComparator = (typeof REST_FILTER_COMPARATORS)[number];
export type RestFilterScalar = string | number | boolean;
export type RestFilterValue = RestFilterScalar | readonly RestFilterScalar[];

/** A filter as the GraphQL API takes it: `{ field: { op: v } }`, `{ and: [...] }`, `{ not: F }`. */
export interface RestFilter {
  readonly [key: string]: unknown;
}

/** A filter text that cannot be read: where, and what is wrong there. */
export class RestFilterSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`'filter' invalid at position ${position}: ${reason}`);
    this.name = 'RestFilterSyntaxError';
  }
}

/** A filter that cannot be printed: the path to the offending part (`and[1].name.eq`). */
export class RestFilterPrintError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot print the filter at ${path === '' ? 'its root' : path}: ${reason}`);
    this.name = 'RestFilterPrintError';
  }
}

export type RestFilterResult =
  | { readonly ok: true; readonly filter: RestFilter }
  | { readonly ok: false; readonly error: RestFilterSyntaxError };

const CONJUNCTIONS = ['and', 'or', 'not'] as const;
type Conjunction = (typeof CONJUNCTIONS)[number];
const LIST_COMPARATORS: readonly string[] = ['in', 'containsAny'];
const IS_VALUES: readonly string[] = ['NULL', 'NOT_NULL'];
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** `add-default-conjunction.util.ts`: Twenty takes text matching this as one conjunction. */
const ROOT_CONJUNCTION = /^(or|and|not)\((.+)\)$/;
/** Characters a value written without quotes may not contain. */
const BARE_STOP = new Set([',', '(', ')', '[', ']', '"', "'"]);

function isComparator(name: string): name is RestFilterComparator {
  return (REST_FILTER_COMPARATORS as readonly string[]).includes(name);
}

function isConjunction(name: string): name is Conjunction {
  return (CONJUNCTIONS as readonly string[]).includes(name);
}

function isSpace(c: string): boolean {
  return /\s/.test(c);
}

/**
 * What is wrong with a string's content for Twenty's scanner, with the offset of the culprit
 * in the content, or undefined when it is safe inside `quote`.
 */
function unsafeContent(
  content: string,
  quote: '"' | "'",
  inList: boolean,
): { readonly offset: number; readonly reason: string } | undefined {
  const other = quote === '"' ? "'" : '"';
  let depth = 0;
  let others = 0;
  let brackets = 0;
  let lastOther = -1;
  let lastBracket = -1;
  let lastOpen = -1;
  for (let i = 0; i < content.length; i++) {
    const c = content.charAt(i);
    if (LINE_BREAK.test(c)) return { offset: i, reason: 'a line break cannot be read by Twenty' };
    if (inList && c === ',') {
      return { offset: i, reason: 'a string in an in list cannot hold a comma (Twenty splits it)' };
    }
    if (c === quote) return { offset: i, reason: `a ${quote}-quoted string cannot hold ${quote}` };
    if (c === other) {
      others++;
      lastOther = i;
    } else if (c === '[' || c === ']') {
      brackets++;
      lastBracket = i;
    } else if (c === '(') {
      depth++;
      lastOpen = i;
    } else if (c === ')') {
      if (depth === 0) {
        return { offset: i, reason: 'a ")" in a string must close a "(" of the same string' };
      }
      depth--;
    }
  }
  if (depth > 0) {
    return { offset: lastOpen, reason: 'a "(" in a string must be closed in the same string' };
  }
  if (others % 2 === 1) {
    return { offset: lastOther, reason: `a string cannot hold an odd number of ${other}` };
  }
  if (brackets % 2 === 1) {
    return { offset: lastBracket, reason: 'a string cannot hold an odd number of [ and ]' };
  }
  return undefined;
}

class Reader {
  #at = 0;
  constructor(private readonly text: string) {}

  get at(): number {
    return this.#at;
  }

  fail(reason: string, position = this.#at): never {
    throw new RestFilterSyntaxError(position, reason);
  }

  peek(): string {
    return this.text.charAt(this.#at);
  }

  atEnd(): boolean {
    return this.#at >= this.text.length;
  }

  describe(): string {
    if (this.atEnd()) return 'the end of the filter';
    const c = this.peek();
    if (isSpace(c)) return 'whitespace (Twenty does not trim; remove it)';
    return `"${c}"`;
  }

  expect(c: string, what: string): void {
    if (this.peek() !== c) this.fail(`expected ${what}, found ${this.describe()}`);
    this.#at++;
  }

  identifier(what: string): string {
    const start = this.#at;
    while (!this.atEnd() && /[A-Za-z0-9_]/.test(this.peek())) this.#at++;
    const name = this.text.slice(start, this.#at);
    if (!IDENT.test(name)) this.fail(`expected ${what}, found ${this.describe()}`, start);
    return name;
  }

  /** One or more terms separated by commas, up to `)` or the end. */
  terms(): { readonly filters: RestFilter[]; readonly commas: number[] } {
    const filters = [this.term()];
    const commas: number[] = [];
    while (this.peek() === ',') {
      commas.push(this.#at);
      this.#at++;
      if (this.atEnd() || this.peek() === ')' || this.peek() === ',') {
        this.fail(`expected a condition after ",", found ${this.describe()}`);
      }
      filters.push(this.term());
    }
    return { filters, commas };
  }

  term(): RestFilter {
    const start = this.#at;
    if (this.atEnd() || this.peek() === ')' || this.peek() === ',') {
      this.fail(`expected a condition, found ${this.describe()}`);
    }
    const name = this.identifier('a field name or and( or( not(');
    if (isConjunction(name)) {
      if (this.peek() !== '(') {
        this.fail(`"${name}" names a conjunction: write ${name}(...), not a field`, start);
      }
      this.#at++;
      if (this.peek() === ')') this.fail(`${name}() needs at least one condition`);
      const inner = this.terms();
      if (name === 'not' && inner.filters.length > 1) {
        this.fail(
          'not(...) takes exactly one condition (as in Twenty: not(field[eq]:1))',
          inner.commas[0],
        );
      }
      this.expect(')', `"," or ")" closing ${name}(`);
      return name === 'not' ? { not: inner.filters[0] } : { [name]: inner.filters };
    }
    return this.predicate(name, start);
  }

  predicate(first: string, start: number): RestFilter {
    const path = [first];
    this.checkSegment(first, start, true);
    while (this.peek() === '.') {
      this.#at++;
      const at = this.#at;
      const segment = this.identifier('a sub-field name after "."');
      this.checkSegment(segment, at, false);
      path.push(segment);
    }
    this.expect('[', `"[" and a comparator after the field ${path.join('.')}`);
    const comparatorAt = this.#at;
    const comparator = this.identifier('a comparator');
    if (!isComparator(comparator)) {
      this.fail(
        `unknown comparator "${comparator}"; Twenty's are ${REST_FILTER_COMPARATORS.join(', ')}`,
        comparatorAt,
      );
    }
    this.expect(']', `"]" after the comparator ${comparator}`);
    this.expect(':', `":" and a value after ${path.join('.')}[${comparator}]`);
    const value = this.value(comparator);
    if (!this.atEnd() && this.peek() !== ',' && this.peek() !== ')') {
      this.fail(`expected "," or ")" or the end after the value, found ${this.describe()}`);
    }
    let node: RestFilter = { [comparator]: value };
    for (const segment of [...path].reverse()) node = { [segment]: node };
    return node;
  }

  checkSegment(segment: string, at: number, first: boolean): void {
    if (first && isConjunction(segment)) {
      this.fail(`a field cannot be named "${segment}" (it names a conjunction)`, at);
    }
    if (isComparator(segment)) {
      this.fail(`a field cannot be named "${segment}" (it names a comparator)`, at);
    }
  }

  value(comparator: RestFilterComparator): RestFilterValue {
    if (this.atEnd()) this.fail(`expected a value for ${comparator}, found the end of the filter`);
    if (LIST_COMPARATORS.includes(comparator)) {
      if (this.peek() !== '[') {
        this.fail(`${comparator} takes a list: [value_1,value_2], found ${this.describe()}`);
      }
      this.#at++;
      const items: RestFilterScalar[] = [];
      for (;;) {
        if (this.peek() === ']' || this.peek() === ',') {
          this.fail(`expected a list item, found ${this.describe()} (empty items are refused)`);
        }
        items.push(this.scalar(true));
        if (this.peek() === ']') break;
        this.expect(',', '"," or "]" in the list');
      }
      this.#at++;
      return items;
    }
    if (this.peek() === '[') {
      this.fail(`a list is only taken by ${LIST_COMPARATORS.join(' and ')}, not ${comparator}`);
    }
    if (comparator === 'is') {
      const start = this.#at;
      const word = this.bare();
      if (!IS_VALUES.includes(word)) {
        const found = word === '' ? this.describe() : `"${word}"`;
        this.fail(`is takes NULL or NOT_NULL (without quotes), found ${found}`, start);
      }
      return word;
    }
    return this.scalar(false);
  }

  scalar(inList: boolean): RestFilterScalar {
    const c = this.peek();
    if (c === '"' || c === "'") return this.quoted(c, inList);
    const start = this.#at;
    const word = this.bare();
    if (word === '') this.fail(`expected a value, found ${this.describe()}`, start);
    if (NUMBER.test(word)) {
      // Only a numeral in its canonical form becomes a number; any other (1.50, 1e3, digits
      // beyond a double's precision) stays the string written, so no digit is lost or changed.
      const number = Number(word);
      if (Number.isFinite(number) && canonicalNumber(number) === word) return number;
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    return word;
  }

  bare(): string {
    const start = this.#at;
    while (!this.atEnd()) {
      const c = this.peek();
      if (BARE_STOP.has(c)) break;
      if (isSpace(c)) {
        this.fail('whitespace outside quotes is refused (Twenty does not trim; quote the value)');
      }
      this.#at++;
    }
    return this.text.slice(start, this.#at);
  }

  quoted(quote: '"' | "'", inList: boolean): string {
    const open = this.#at;
    const close = this.text.indexOf(quote, open + 1);
    if (close < 0) this.fail(`the string opened here with ${quote} is never closed`, open);
    const content = this.text.slice(open + 1, close);
    const unsafe = unsafeContent(content, quote, inList);
    if (unsafe) this.fail(unsafe.reason, open + 1 + unsafe.offset);
    this.#at = close + 1;
    return content;
  }
}

function read(text: string): RestFilter {
  const reader = new Reader(text);
  if (text === '') reader.fail('the filter is empty');
  const lineBreak = LINE_BREAK.exec(text);
  if (lineBreak) reader.fail('a line break cannot be read by Twenty', lineBreak.index);
  const { filters, commas } = reader.terms();
  if (!reader.atEnd()) {
    reader.fail(
      reader.peek() === ')'
        ? 'this ")" closes nothing'
        : `expected "," or the end, found ${reader.describe()}`,
    );
  }
  const [only] = filters;
  if (filters.length === 1 && only) return only;
  if (ROOT_CONJUNCTION.test(text)) {
    reader.fail(
      'Twenty reads a text that starts with and(/or(/not( and ends with ")" as that one ' +
        'conjunction, so this list would be misread: wrap it in and(...)',
      commas[0],
    );
  }
  return { and: filters };
}

/** Reads a REST `filter` text; a text that cannot be read gives the position and the reason. */
export function parseRestFilter(text: string): RestFilterResult {
  try {
    return { ok: true, filter: read(text) };
  } catch (error) {
    if (error instanceof RestFilterSyntaxError) return { ok: false, error };
    throw error;
  }
}

/** `parseRestFilter`, throwing the RestFilterSyntaxError. */
export function parseRestFilterOrThrow(text: string): RestFilter {
  const result = parseRestFilter(text);
  if (!result.ok) throw result.error;
  return result.filter;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** JavaScript's shortest numeral for a finite number, without '+' (a space in a query string). */
function canonicalNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value).replace('e+', 'e');
}

function printNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new RestFilterPrintError(path, `${value} is not a finite number`);
  }
  return canonicalNumber(value);
}

function printString(value: string, path: string, inList: boolean): string {
  const refusals: string[] = [];
  for (const quote of ['"', "'"] as const) {
    const unsafe = unsafeContent(value, quote, inList);
    if (!unsafe) return `${quote}${value}${quote}`;
    refusals.push(`${unsafe.reason} (at offset ${unsafe.offset})`);
  }
  throw new RestFilterPrintError(
    path,
    `the string ${JSON.stringify(value)} cannot be quoted so that Twenty reads it back: ${refusals.join('; ')}`,
  );
}

function printScalar(value: unknown, path: string, inList: boolean): string {
  if (typeof value === 'string') return printString(value, path, inList);
  if (typeof value === 'number') return printNumber(value, path);
  if (typeof value === 'boolean') return String(value);
  throw new RestFilterPrintError(
    path,
    `a value must be a string, a number or a boolean, not ${value === null ? 'null' : typeof value}`,
  );
}

function printValue(comparator: RestFilterComparator, value: unknown, path: string): string {
  if (comparator === 'is') {
    if (typeof value === 'string' && IS_VALUES.includes(value)) return value;
    throw new RestFilterPrintError(path, 'is takes "NULL" or "NOT_NULL"');
  }
  if (LIST_COMPARATORS.includes(comparator)) {
    if (!Array.isArray(value) || value.length === 0) {
      throw new RestFilterPrintError(path, `${comparator} takes a non-empty array`);
    }
    const items = (value as readonly unknown[]).map((item, index) =>
      printScalar(item, `${path}[${index}]`, true),
    );
    return `[${items.join(',')}]`;
  }
  return printScalar(value, path, false);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The predicates of one field (or sub-field) object: `{ eq: 1, sub: { gt: 2 } }`. */
function printField(fields: readonly string[], value: unknown, path: string): string[] {
  if (!isPlainObject(value)) {
    throw new RestFilterPrintError(path, 'a field takes an object of comparators or sub-fields');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) throw new RestFilterPrintError(path, 'a field has no comparator');
  return entries.flatMap(([key, operand]) => {
    const at = join(path, key);
    if (operand === undefined) throw new RestFilterPrintError(at, 'undefined cannot be printed');
    if (isComparator(key)) return [`${fields.join('.')}[${key}]:${printValue(key, operand, at)}`];
    if (!IDENT.test(key)) throw new RestFilterPrintError(at, `"${key}" is not a field name`);
    return printField([...fields, key], operand, at);
  });
}

function printNode(filter: unknown, path: string): string {
  if (!isPlainObject(filter)) throw new RestFilterPrintError(path, 'a filter must be an object');
  const entries = Object.entries(filter);
  if (entries.length === 0)
    throw new RestFilterPrintError(path, 'an empty filter cannot be printed');
  const terms = entries.flatMap(([key, value]): string[] => {
    const at = join(path, key);
    if (value === undefined) throw new RestFilterPrintError(at, 'undefined cannot be printed');
    if (key === 'not') return [`not(${printNode(value, at)})`];
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value) || value.length === 0) {
        throw new RestFilterPrintError(at, `${key} takes a non-empty array of filters`);
      }
      const items = (value as readonly unknown[]).map((item, index) =>
        printNode(item, `${at}[${index}]`),
      );
      return [`${key}(${items.join(',')})`];
    }
    if (!IDENT.test(key)) throw new RestFilterPrintError(at, `"${key}" is not a field name`);
    if (isComparator(key)) {
      throw new RestFilterPrintError(
        at,
        `a field cannot be named "${key}" (it names a comparator)`,
      );
    }
    return printField([key], value, at);
  });
  const [only] = terms;
  // Several keys in one object all hold: printed as the equivalent and(...).
  return terms.length === 1 && only !== undefined ? only : `and(${terms.join(',')})`;
}

/**
 * Prints a GraphQL-shaped filter as a REST `filter` text, such that `parseRestFilter` (and
 * Twenty) read it back: `parse(print(x))` deep-equals `x` when every object in `x` has one key;
 * an object with several keys is printed as the equivalent `and(...)`. Throws a
 * RestFilterPrintError naming the path of what cannot be printed (null values, empty lists,
 * unknown comparators under a field that are not identifiers, strings Twenty would misread).
 */
export function printRestFilter(filter: unknown): string {
  return printNode(filter, '');
}
