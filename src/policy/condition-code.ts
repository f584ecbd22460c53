/**
 * A record condition as JavaScript source, for the code `allow-code.ts` generates per plan: the
 * common predicates (eq, neq, in, is on a field) become inline expressions, anything else a call
 * to the predicate `compileCondition` builds. Three-valued logic is kept as two boolean
 * expressions, "is TRUE" and "is FALSE" (unknown is neither), which compose without a third value:
 * `and` is TRUE when all parts are and FALSE when one is; `or` the reverse; `not` swaps them.
 * No policy text becomes code: operands are passed in as values, and field names as JSON string
 * literals (as `compileReader` embeds names).
 */
import {
  compilePredicate,
  compileReader,
  equals,
  INHERITED,
  isOperatorName,
  isPlainObject,
  type Condition,
  type ConditionScalar,
  type FieldPredicate,
} from './condition.js';
import { MATCH_NONE } from './host-filter.js';

/** Binds a value to a name the generated code can use. */
export type Bind = (value: unknown) => string;

export interface ConditionCode {
  readonly isTrue: string;
  readonly isFalse: string;
}

const TRUE: ConditionCode = { isTrue: 'true', isFalse: 'false' };
const FALSE: ConditionCode = { isTrue: 'false', isFalse: 'true' };

function all(parts: readonly string[]): string {
  return parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' && ');
}

function any(parts: readonly string[]): string {
  return parts.length === 0 ? 'false' : parts.map((p) => `(${p})`).join(' || ');
}

/** The value at a path, with a missing value as null (see `compileReader`). */
function readCode(path: readonly string[], bind: Bind): string {
  const key = path[0];
  if (path.length === 1 && key !== undefined && !INHERITED.has(key)) {
    // A JSON string literal: V8 loads a property named by a literal faster than by a variable.
    return `((t = r[${JSON.stringify(key)}]) === undefined ? null : t)`;
  }
  return `${bind(compileReader(path))}(r)`;
}

function predicateCode(
  path: readonly string[],
  predicate: FieldPredicate,
  bind: Bind,
): ConditionCode {
  const [operator, operand] = Object.entries(predicate)[0] ?? [];
  const value = `(v = ${readCode(path, bind)})`;
  if (operator === 'is') {
    const isNull = `${value} === null`;
    return operand === 'NULL'
      ? { isTrue: isNull, isFalse: `!(${isNull})` }
      : { isTrue: `!(${isNull})`, isFalse: isNull };
  }
  if ((operator === 'eq' || operator === 'neq') && operand !== null && operand !== undefined) {
    const scalar = operand as ConditionScalar;
    // A value of the operand's own type compares with ===, as `equals` does; others coerce.
    const same = `(typeof v === ${JSON.stringify(typeof scalar)} ? v === ${bind(scalar)} : ${bind(equals)}(v, ${bind(scalar)}))`;
    const eq = { isTrue: `${value} !== null && ${same}`, isFalse: `${value} !== null && !${same}` };
    return operator === 'eq' ? eq : { isTrue: eq.isFalse, isFalse: eq.isTrue };
  }
  if (operator === 'in' && Array.isArray(operand)) {
    const items = operand as readonly ConditionScalar[];
    const text = items.filter((item): item is string => typeof item === 'string');
    if (text.length === items.length) {
      // Text against a list of text: membership decides (as in `compilePredicate`). A short
      // list is scanned, which beats hashing the value; it is passed in rather than written
      // as literals, so that members whose lists differ share the generated code.
      const other = bind(compilePredicate(path, predicate));
      if (text.length <= 4) {
        const member = `${bind(Object.freeze([...text]))}.includes(v)`;
        return {
          isTrue: `${value} !== null && (typeof v === 'string' ? (${member}) : ${other}(r) === true)`,
          isFalse: `${value} !== null && (typeof v === 'string' ? !(${member}) : ${other}(r) === false)`,
        };
      }
      const set = bind(new Set(text));
      return {
        isTrue: `${value} !== null && (typeof v === 'string' ? ${set}.has(v) : ${other}(r) === true)`,
        isFalse: `${value} !== null && (typeof v === 'string' ? !${set}.has(v) : ${other}(r) === false)`,
      };
    }
  }
  const test = bind(compilePredicate(path, predicate));
  return { isTrue: `${test}(r) === true`, isFalse: `${test}(r) === false` };
}

function fieldCode(field: string, value: unknown, bind: Bind): ConditionCode[] {
  if (!isPlainObject(value)) return [FALSE];
  const keys = Object.keys(value);
  if (keys.some(isOperatorName)) return [predicateCode([field], value as FieldPredicate, bind)];
  return keys.map((sub) => predicateCode([field, sub], value[sub] as FieldPredicate, bind));
}

function combine(parts: readonly ConditionCode[], or: boolean): ConditionCode {
  const trues = parts.map((p) => p.isTrue);
  const falses = parts.map((p) => p.isFalse);
  return or
    ? { isTrue: any(trues), isFalse: all(falses) }
    : { isTrue: all(trues), isFalse: any(falses) };
}

/**
 * Source for "the condition is TRUE on `r`" and "is FALSE on `r`". The code uses the variables
 * `r` (the record), `v` and `t`, which the caller declares. `MATCH_NONE` is FALSE outright.
 */
export function conditionCode(condition: Condition, bind: Bind): ConditionCode {
  if (condition === MATCH_NONE) return FALSE;
  const parts: ConditionCode[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      const children = (value as readonly Condition[]).map((c) => conditionCode(c, bind));
      parts.push(combine(children, key === 'or'));
    } else if (key === 'not') {
      const inner = conditionCode(value as Condition, bind);
      parts.push({ isTrue: inner.isFalse, isFalse: inner.isTrue });
    } else {
      parts.push(...fieldCode(key, value, bind));
    }
  }
  return parts.length === 0 ? TRUE : combine(parts, false);
}
