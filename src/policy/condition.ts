/**
 * Record conditions in the host's own filter language (Twenty's filter input):
 * `{ field: { op: value } }`, composite sub-fields nested one level
 * (`amount: { amountMicros: { gt: 1 } }`), and `and` / `or` / `not`.
 *
 * Evaluation follows SQL's three-valued logic, because the host turns the same filter into SQL
 * (twentyhq/twenty `compute-where-condition-parts.ts`, `graphql-query-filter-condition.parser.ts`):
 * a comparison with NULL is unknown, `not` of unknown is unknown, and a record is selected only
 * when the whole filter is TRUE. Keeping that here is what lets `decide` on a record and the host
 * filter select exactly the same records.
 */

/** A JSON scalar as the filter language accepts it. */
export type ConditionScalar = string | number | boolean | null;

/** `{ op: value }` for one field or sub-field: exactly one operator (the host reads only the first). */
export type FieldPredicate = Readonly<Record<string, ConditionScalar | readonly ConditionScalar[]>>;

/** A record condition as written in the policy and as sent to the host. */
export interface Condition {
  readonly and?: readonly Condition[];
  readonly or?: readonly Condition[];
  readonly not?: Condition;
  readonly [field: string]: unknown;
}

/** TRUE, FALSE or unknown (SQL NULL). */
export type Truth = boolean | null;

/** A record condition compiled into a function of the record. */
export type CompiledCondition = (record: Readonly<Record<string, unknown>>) => Truth;

/** The operators of the filter language, with the kind of value each takes. */
export const OPERATORS = {
  eq: 'scalar',
  neq: 'scalar',
  gt: 'scalar',
  gte: 'scalar',
  lt: 'scalar',
  lte: 'scalar',
  in: 'list',
  like: 'pattern',
  ilike: 'pattern',
  startsWith: 'pattern',
  is: 'nullity',
} as const;

export type OperatorName = keyof typeof OPERATORS;

const LOGICAL_KEYS = new Set(['and', 'or', 'not']);

export function isOperatorName(key: string): key is OperatorName {
  return Object.hasOwn(OPERATORS, key);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalar(value: unknown): value is ConditionScalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Reads a (possibly nested) field of a record; a missing value is SQL NULL. */
export type PathReader = (record: Readonly<Record<string, unknown>>) => unknown;

/** Names every object inherits: read as own properties only. */
export const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Compiles the reading of a field path into straight-line code with named property loads,
 * which V8 caches per record shape; a generic loop over `record[key]` is several times slower
 * on the decision path. Keys are embedded through JSON.stringify, so no key becomes code. Only
 * own properties count: a field named `constructor` must not read Object's prototype. A value
 * that is missing, or a path through something that is not an object, reads as null.
 */
export function compileReader(path: readonly string[]): PathReader {
  const lines: string[] = ['let v = r;'];
  path.forEach((key, depth) => {
    const k = JSON.stringify(key);
    lines.push(
      // The record itself is an object by the API's contract; only what it holds needs a check.
      depth === 0
        ? "if (typeof v !== 'object' || v === null) return null;"
        : "if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;",
      INHERITED.has(key) ? `v = Object.hasOwn(v, ${k}) ? v[${k}] : undefined;` : `v = v[${k}];`,
    );
  });
  lines.push('return v === undefined ? null : v;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys embedded as JSON string literals only
  return new Function('r', lines.join('\n')) as PathReader;
}

/** Reads a (possibly nested) field of a record once; see `compileReader` for the rules. */
export function readPath(
  record: Readonly<Record<string, unknown>>,
  path: readonly string[],
): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return null;
    value = value[key];
  }
  return value ?? null;
}

/** A value as PostgreSQL's `::text` would show it (JSON for composite values). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // A circular or BigInt-holding value: no scalar can equal it.
    return '\u0000unrepresentable';
  }
}

/** Compares like PostgreSQL does for the host's scalar columns: numbers numerically, else text. */
function compare(left: unknown, right: ConditionScalar): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'number' && typeof right === 'string' && right.trim() !== '') {
    const asNumber = Number(right);
    if (!Number.isNaN(asNumber)) return left - asNumber;
  }
  if (typeof right === 'number' && typeof left === 'string' && left.trim() !== '') {
    const asNumber = Number(left);
    if (!Number.isNaN(asNumber)) return asNumber - right;
  }
  // A composite or list value never equals a scalar: compare its JSON text, as no coercion
  // (and no own `toString` of a parsed record) can make it one.
  const a = textOf(left);
  const b = textOf(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function equals(left: unknown, right: ConditionScalar): boolean {
  // The common case, text against text, needs no coercion.
  if (typeof left === 'string' && typeof right === 'string') return left === right;
  return compare(left, right) === 0;
}

/** SQL LIKE: `%` any run, `_` one character, `\` escapes. */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern.charAt(++i));
    } else if (char === '%') {
      source += '[\\s\\S]*';
    } else if (char === '_') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compilePredicate(
  path: readonly string[],
  predicate: FieldPredicate,
): CompiledCondition {
  const [operator, operand] = Object.entries(predicate)[0] ?? [];
  const read = compileReader(path);
  switch (operator as OperatorName) {
    case 'is': {
      const wantNull = operand === 'NULL';
      return (record) => (read(record) === null) === wantNull;
    }
    case 'eq':
      return nullable(read, (v) => equals(v, operand as ConditionScalar));
    case 'neq':
      return nullable(read, (v) => !equals(v, operand as ConditionScalar));
    case 'gt':
      return nullable(read, (v) => compare(v, operand as ConditionScalar) > 0);
    case 'gte':
      return nullable(read, (v) => compare(v, operand as ConditionScalar) >= 0);
    case 'lt':
      return nullable(read, (v) => compare(v, operand as ConditionScalar) < 0);
    case 'lte':
      return nullable(read, (v) => compare(v, operand as ConditionScalar) <= 0);
    case 'in': {
      // SQL: `x IN (a, NULL)` is TRUE when x = a and unknown otherwise, never FALSE.
      const values = (operand as readonly ConditionScalar[]).filter((item) => item !== null);
      const holdsNull = values.length < (operand as readonly ConditionScalar[]).length;
      const strict = new Set<unknown>(values);
      // Text against a list of text needs no coercion: the set lookup alone decides.
      const allText = values.every((item) => typeof item === 'string');
      return (record) => {
        const v = read(record);
        if (v === null) return null;
        if (strict.has(v)) return true;
        if (!(allText && typeof v === 'string'))
          for (const item of values) if (equals(v, item)) return true;
        return holdsNull ? null : false;
      };
    }
    case 'like':
    case 'ilike': {
      const regExp = likeToRegExp(String(operand), operator === 'ilike');
      return nullable(read, (v) => regExp.test(textOf(v)));
    }
    case 'startsWith': {
      const prefix = String(operand);
      return nullable(read, (v) => textOf(v).startsWith(prefix));
    }
    default:
      // Unreachable for a checked condition; an unknown operator never matches (fail closed).
      return () => null;
  }
}

function nullable(
  read: (record: Readonly<Record<string, unknown>>) => unknown,
  test: (value: unknown) => boolean,
): CompiledCondition {
  return (record) => {
    const value = read(record);
    return value === null ? null : test(value);
  };
}

/** SQL AND over three-valued parts: FALSE wins, then unknown. */
export function and(parts: readonly CompiledCondition[]): CompiledCondition {
  if (parts.length === 1) return parts[0] as CompiledCondition;
  return (record) => {
    let unknown = false;
    for (const part of parts) {
      const truth = part(record);
      if (truth === false) return false;
      if (truth === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

/** SQL OR over three-valued parts: TRUE wins, then unknown. */
export function or(parts: readonly CompiledCondition[]): CompiledCondition {
  return (record) => {
    let unknown = false;
    for (const part of parts) {
      const truth = part(record);
      if (truth === true) return true;
      if (truth === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

/** SQL NOT: unknown stays unknown. */
export function not(part: CompiledCondition): CompiledCondition {
  return (record) => {
    const truth = part(record);
    return truth === null ? null : !truth;
  };
}

/**
 * Compiles a checked condition into a three-valued function of a record. A condition that was
 * not checked may hold an unknown operator: that part evaluates to unknown, so it never selects.
 */
export function compileCondition(condition: Condition): CompiledCondition {
  const parts: CompiledCondition[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      const children = (value as readonly Condition[]).map(compileCondition);
      parts.push(key === 'and' ? and(children) : or(children));
    } else if (key === 'not') {
      parts.push(not(compileCondition(value as Condition)));
    } else {
      parts.push(...compileField([key], value as Record<string, unknown>));
    }
  }
  return parts.length === 0 ? () => true : and(parts);
}

function compileField(path: string[], value: Record<string, unknown>): CompiledCondition[] {
  const keys = Object.keys(value);
  if (keys.some(isOperatorName)) return [compilePredicate(path, value as FieldPredicate)];
  return keys.map((subField) => {
    const predicate = value[subField] as FieldPredicate;
    return compilePredicate([...path, subField], predicate);
  });
}

/** Every top-level field a condition reads, for validation against the data model. */
export function fieldsOfCondition(condition: Condition, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      for (const child of value as readonly Condition[]) fieldsOfCondition(child, into);
    } else if (key === 'not') {
      fieldsOfCondition(value as Condition, into);
    } else if (!LOGICAL_KEYS.has(key)) {
      into.add(key);
    }
  }
  return into;
}
