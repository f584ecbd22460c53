/**
 * Zod's issues in plain words: each names the offending value, what was expected, and the
 * nearest valid word where there is one. No validator phrasing ("Invalid input", "expected
 * string, received undefined") reaches the user. Parse with `WORDED` (which words each issue
 * as zod finds it), then `wordIssues` (which gives each its final path).
 */
import { z } from 'zod';
import { nearest } from './suggest.js';

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/** A worded problem at a path inside the parsed value. */
export interface WordedIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Stands for a missing key until its path is known; `wordIssues` names the key. */
const REQUIRED = 'is required';

/** The keys a strict object knows, by the object that held unknown ones (for "did you mean"). */
const knownKeys = new WeakMap<object, readonly string[]>();

const article = (noun: string): string => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);

const quote = (text: string): string =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** What the user wrote, in words: `"mine"`, `a number (3)`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `a number (${value})`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  date: 'a date',
};

const titleOf = (schema: Schema): string | undefined => z.globalRegistry.get(schema)?.title;

/** The schema with optional and default wrappers taken off. */
function unwrap(schema: Schema): Schema {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)
    inner = inner.def.innerType;
  return inner;
}

/** What a schema accepts, in words, for "expected X or Y". */
function schemaWords(schema: Schema): string {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodEnum) {
    const values = inner.options.join(', ');
    const title = titleOf(inner);
    return title === undefined ? `one of ${values}` : `${article(title)} (${values})`;
  }
  if (inner instanceof z.ZodObject) {
    // A one-key object is spelled out ({ mask: last4 | redact }); a larger one by its keys.
    const entries = Object.entries<Schema>(inner.shape);
    const keys = entries.map(([key, value]) => {
      const field = unwrap(value);
      return field instanceof z.ZodEnum && entries.length === 1
        ? `${key}: ${field.options.join(' | ')}`
        : key;
    });
    return `{ ${keys.join(', ')} }`;
  }
  if (inner instanceof z.ZodUnion && titleOf(inner) === undefined)
    return (inner.options as readonly Schema[]).map(schemaWords).join(' or ');
  const title = titleOf(inner) ?? z.globalRegistry.get(inner)?.id;
  if (title !== undefined) return article(title.toLowerCase());
  return EXPECTED[inner._zod.def.type] ?? 'something else';
}

/** `"mine" is not a scope; did you mean "own"? (one of none, own, …)`. */
function enumMessage(
  input: unknown,
  values: readonly unknown[],
  noun: string | undefined,
  alternatives: readonly string[] = [],
): string {
  const words = values.map(String);
  const list = `one of ${[...words, ...alternatives].join(', ')}`;
  if (typeof input !== 'string')
    return `expected ${noun === undefined ? list : `${article(noun)} (${list})`}, got ${describeValue(input)}`;
  const guess = nearest(input, words);
  const head = `${quote(input)} is not ${noun === undefined ? 'allowed here' : article(noun)}`;
  return `${head}${guess === undefined ? '' : `; did you mean "${guess}"?`} (${list})`;
}

/** A branch failed on the value's type itself (not on something inside it). */
function failsOnType(issues: readonly Issue[], input: unknown): boolean {
  return issues.some(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        (issue.code === 'invalid_value' && !issue.values.some((v) => typeof v === typeof input)) ||
        // A union inside a union (a scope, or a list of them) fails on type when all its branches do.
        (issue.code === 'invalid_union' &&
          issue.errors.every((branch) => failsOnType(branch, input)))),
  );
}

/** The union branch the user meant: the first whose type the value has, if any. */
function meantBranch(branches: readonly (readonly Issue[])[], input: unknown): number {
  return branches.findIndex((issues) => !failsOnType(issues, input));
}

function unionMessage(iss: Extract<RawIssue, { code: 'invalid_union' }>): string {
  const options = iss.inst instanceof z.ZodUnion ? (iss.inst.options as readonly Schema[]) : [];
  const meant = meantBranch(iss.errors, iss.input);
  if (meant < 0)
    return `expected ${options.map(schemaWords).join(' or ')}, got ${describeValue(iss.input)}`;
  const option = options[meant] === undefined ? undefined : unwrap(options[meant]);
  const issues = iss.errors[meant] ?? [];
  if (option instanceof z.ZodEnum && issues.every((issue) => issue.path.length === 0)) {
    const others = options.filter((_, i) => i !== meant).map(schemaWords);
    return enumMessage(iss.input, option.options, titleOf(option), others);
  }
  return issues[0]?.message ?? 'is not valid here';
}

function sizeMessage(iss: Extract<RawIssue, { code: 'too_small' | 'too_big' }>): string {
  const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
  const most = iss.code === 'too_small' ? 'at least' : 'at most';
  const strict = iss.code === 'too_small' ? 'more than' : 'less than';
  if (iss.origin === 'array' || iss.origin === 'set')
    return `needs ${most} ${bound} item${bound === 1 ? '' : 's'}, got ${describeValue(iss.input)}`;
  if (iss.origin === 'string')
    return iss.code === 'too_small' && bound === 1
      ? 'must not be empty'
      : `needs ${most} ${bound} characters`;
  return `must be ${iss.inclusive === false ? strict : most} ${bound}, got ${describeValue(iss.input)}`;
}

function formatMessage(iss: Extract<RawIssue, { code: 'invalid_format' }>): string {
  const value = describeValue(iss.input);
  if (iss.format === 'datetime')
    return `${value} is not an ISO 8601 date-time such as 2026-06-30T12:00:00Z`;
  return iss.format === 'regex'
    ? `${value} is not written as expected here`
    : `${value} is not a valid ${iss.format}`;
}

/** Words each issue as zod raises it, with the value it was raised on. */
function wordIssue(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return REQUIRED;
      return `expected ${EXPECTED[iss.expected] ?? article(iss.expected)}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return iss.inst instanceof z.ZodEnum
        ? enumMessage(iss.input, iss.values, titleOf(iss.inst))
        : `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(iss.input)}`;
    case 'unrecognized_keys':
      if (iss.inst instanceof z.ZodObject && typeof iss.input === 'object' && iss.input !== null)
        knownKeys.set(iss.input, Object.keys(iss.inst.shape));
      return 'unknown key';
    case 'invalid_union':
      return unionMessage(iss);
    case 'too_small':
    case 'too_big':
      return sizeMessage(iss);
    case 'invalid_format':
      return formatMessage(iss);
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}, got ${describeValue(iss.input)}`;
    case 'invalid_key':
      return `the key ${describeValue(iss.input)}: ${iss.issues[0]?.message ?? 'is not valid here'}`;
    case 'invalid_element':
      return `an element ${iss.issues[0]?.message ?? 'is not valid here'}`;
    default:
      return 'is not valid here';
  }
}

/** Options for `safeParse`: every issue worded, with its input kept for `wordIssues`. */
export const WORDED = { reportInput: true, error: wordIssue } as const;

function unknownKeyMessage(key: string, known: readonly string[] | undefined): string {
  if (known === undefined || known.length === 0) return `unknown key "${key}"`;
  const guess = nearest(key, known);
  return guess === undefined
    ? `unknown key "${key}" (known keys: ${known.join(', ')})`
    : `unknown key "${key}"; did you mean "${guess}"?`;
}

/** The final list: one issue per unknown key, the key named when missing, unions resolved. */
export function wordIssues(
  issues: readonly Issue[],
  prefix: readonly PropertyKey[] = [],
): WordedIssue[] {
  const worded: WordedIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known =
        typeof issue.input === 'object' && issue.input !== null
          ? knownKeys.get(issue.input)
          : undefined;
      for (const key of issue.keys)
        worded.push({ path: [...path, key], message: unknownKeyMessage(key, known) });
    } else if (issue.code === 'invalid_union') {
      // The union's own message covers a wrong type or a wrong word; anything deeper is told
      // at its own path, from the branch the value was meant for.
      const meant = issue.errors[meantBranch(issue.errors, issue.input)];
      const deeper = meant?.some(
        (inner) => inner.path.length > 0 || inner.code !== 'invalid_value',
      );
      if (meant !== undefined && deeper === true) worded.push(...wordIssues(meant, path));
      else worded.push({ path, message: issue.message });
    } else if (issue.message === REQUIRED) {
      const key = [...path].reverse().find((k) => typeof k === 'string');
      worded.push({
        path,
        message: key === undefined ? 'a value is required' : `"${key}" ${REQUIRED}`,
      });
    } else {
      worded.push({ path, message: issue.message });
    }
  }
  return worded;
}
