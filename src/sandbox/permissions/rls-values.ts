/**
 * Shared pieces of row-level predicate evaluation: the compiled test type, predicate values in
 * the shapes twenty-shared's filter builder parses them, and record column access.
 */
import type { RlsOperand, SandboxField, SandboxRecord } from '../workspace.js';
import type { Truth } from './sql-logic.js';

/** One compiled condition on a record. */
export type RowTest = (record: SandboxRecord) => Truth;

/** A predicate with its value resolved (the current member's value substituted, if any). */
export interface FieldPredicate {
  readonly field: SandboxField;
  readonly operand: RlsOperand;
  readonly value: unknown;
  readonly subFieldName: string | undefined;
  readonly currentMemberId: string | undefined;
  readonly now: Date;
}

/**
 * What twenty-shared's `turnRecordFilterIntoRecordGqlOperationFilter` throws on (an operand the
 * field type does not take, an unknown subfield, an unparsable date): the query fails, so no
 * row is reachable.
 */
export const DENY: RowTest = () => false;

/** An empty filter object `{}`: no condition. */
export const NO_CONDITION: RowTest = () => true;

/** `convertViewFilterValueToString` (twenty-shared): strings as they are, the rest as JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `arrayOfStringsOrVariablesSchema`: a JSON array of strings; a bare string is one item. */
export function valueList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(valueText);
  const text = valueText(value);
  if (text === '') return [];
  const parsed = parseJson(text);
  return Array.isArray(parsed) ? parsed.map(valueText) : [text];
}

/**
 * A relation value `{ isCurrentWorkspaceMemberSelected, selectedRecordIds }` (or a bare list of
 * ids), the current member's id added when selected (twenty-shared
 * `turnRecordFilterIntoGqlOperationFilter`, RELATION and ACTOR.workspaceMemberId).
 */
export function relationIds(value: unknown, currentMemberId: string | undefined): string[] {
  const parsed = typeof value === 'string' ? (parseJson(value) ?? value) : value;
  if (isObject(parsed) && !Array.isArray(parsed)) {
    const selected = valueList(parsed.selectedRecordIds);
    const withMember =
      parsed.isCurrentWorkspaceMemberSelected === true && currentMemberId !== undefined
        ? [...selected, currentMemberId]
        : selected;
    return withMember;
  }
  return valueList(parsed);
}

export function column(record: SandboxRecord, name: string): unknown {
  return record[name];
}

/** A composite field's subfield, undefined when the composite value is NULL. */
export function subColumn(record: SandboxRecord, name: string, subField: string): unknown {
  const composite = record[name];
  return isObject(composite) ? composite[subField] : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
