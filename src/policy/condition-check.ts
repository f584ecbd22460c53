/**
 * Checking a record condition's shape, listing every problem with its path, so a policy is
 * rejected with all of them (the schema calls this for every `where`, `if` and grant condition).
 */
import {
  isOperatorName,
  isPlainObject,
  isScalar,
  OPERATORS,
  type OperatorName,
} from './condition.js';
import { isMemberRef, MEMBER_REFS, parseMemberRef } from './member-refs.js';
import { nearest } from './suggest.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A problem found in a condition, at a path relative to the condition. */
export interface ConditionIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Checks a condition's shape and lists every problem, so a policy is rejected with all of them.
 * `fieldsOf` names the known fields (host data model) when known, to reject unknown ones.
 */
export function checkCondition(
  condition: unknown,
  knownFields?: ReadonlySet<string>,
): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  walkCondition(condition, [], issues, knownFields);
  return issues;
}

function walkCondition(
  condition: unknown,
  path: (string | number)[],
  issues: ConditionIssue[],
  knownFields: ReadonlySet<string> | undefined,
): void {
  if (!isPlainObject(condition)) {
    issues.push({ path, message: 'a condition must be an object such as { stage: { eq: WON } }' });
    return;
  }
  const keys = Object.keys(condition);
  if (keys.length === 0) {
    issues.push({ path, message: 'a condition must name at least one field or and/or/not' });
  }
  for (const key of keys) {
    const value = condition[key];
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({
          path: [...path, key],
          message: `${key} takes a non-empty list of conditions`,
        });
        continue;
      }
      value.forEach((item, index) => {
        walkCondition(item, [...path, key, index], issues, knownFields);
      });
    } else if (key === 'not') {
      walkCondition(value, [...path, key], issues, knownFields);
    } else {
      walkField(key, value, [...path, key], issues, knownFields, true);
    }
  }
}

const didYouMean = (wrong: string, valid: readonly string[]): string => {
  const guess = nearest(wrong, valid);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
};

function walkField(
  field: string,
  value: unknown,
  path: (string | number)[],
  issues: ConditionIssue[],
  knownFields: ReadonlySet<string> | undefined,
  topLevel: boolean,
): void {
  if (!FIELD_NAME.test(field)) {
    issues.push({ path, message: `"${field}" is not a field name` });
    return;
  }
  if (topLevel && knownFields && !knownFields.has(field)) {
    issues.push({ path, message: `unknown field "${field}"` });
    return;
  }
  if (!isPlainObject(value)) {
    issues.push({
      path,
      message: topLevel
        ? `field "${field}" needs { operator: value }, for example { eq: 1 }`
        : `"${field}" is neither an operator${didYouMean(field, Object.keys(OPERATORS))} (${Object.keys(OPERATORS).join(', ')}) nor a sub-field { operator: value }`,
    });
    return;
  }
  const keys = Object.keys(value);
  const operatorKeys = keys.filter(isOperatorName);
  if (operatorKeys.length === 0) {
    if (!topLevel) {
      issues.push({
        path,
        message: `sub-field "${field}" needs one operator of ${Object.keys(OPERATORS).join(', ')}`,
      });
      return;
    }
    if (keys.length === 0) {
      issues.push({ path, message: `field "${field}" needs an operator or a sub-field` });
    }
    for (const subField of keys) {
      walkField(subField, value[subField], [...path, subField], issues, knownFields, false);
    }
    return;
  }
  if (keys.length !== 1) {
    issues.push({
      path,
      message: `field "${field}" has ${keys.length} operators (${keys.join(', ')}); the host reads only the first, so write one per field and combine them with and`,
    });
    return;
  }
  const operator = operatorKeys[0] as OperatorName;
  const message = checkOperand(operator, value[operator]);
  if (message) issues.push({ path: [...path, operator], message });
}

/** A `$member.…` operand: it must name a reference and fit the operator. */
function checkMemberRef(operator: OperatorName, ref: string): string | undefined {
  const parsed = parseMemberRef(ref);
  const known = [...Object.keys(MEMBER_REFS), 'attributes.<name>'].map((r) => `$member.${r}`);
  if (!parsed)
    return `"${ref}" is not a member reference${didYouMean(ref, known.slice(0, -1))} (known: ${known.join(', ')})`;
  const kind = OPERATORS[operator];
  if (kind === 'nullity') return `${operator} takes NULL or NOT_NULL, not a member reference`;
  if (parsed.kind === 'fixed' && MEMBER_REFS[parsed.name] === 'list' && kind !== 'list')
    return `${ref} is a list of ids: compare it with in, as { in: ${ref} }`;
  return undefined;
}

function checkOperand(operator: OperatorName, operand: unknown): string | undefined {
  if (isMemberRef(operand)) return checkMemberRef(operator, operand);
  switch (OPERATORS[operator]) {
    case 'scalar':
      return isScalar(operand) && operand !== null
        ? undefined
        : `${operator} takes a string, number or boolean (use is: NULL for null)`;
    case 'list':
      if (Array.isArray(operand) && operand.some(isMemberRef))
        return `a member reference is a value of its own, not an item of a list: write { ${operator}: ${String(operand.find(isMemberRef))} }`;
      return Array.isArray(operand) && operand.length > 0 && operand.every(isScalar)
        ? undefined
        : `${operator} takes a non-empty list of values (the host rejects an empty one) or a member reference such as $member.teams`;
    case 'pattern':
      return typeof operand === 'string' ? undefined : `${operator} takes a string`;
    case 'nullity':
      if (operand === null)
        return `${operator} takes "NULL" or NOT_NULL: quote it, as is: "NULL", since YAML reads a bare NULL as null`;
      return operand === 'NULL' || operand === 'NOT_NULL'
        ? undefined
        : `${operator} takes NULL or NOT_NULL`;
  }
}
