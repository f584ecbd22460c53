/**
 * SQL's three-valued logic over compiled record tests. Twenty turns a filter into one SQL WHERE
 * clause, so a comparison with NULL is unknown (`null`), NOT keeps it unknown, and a record is
 * selected only when the whole clause is TRUE.
 */

/** TRUE, FALSE or unknown. */
export type Truth = boolean | null;

export type RecordTest = (record: Readonly<Record<string, unknown>>) => Truth;

export const alwaysTrue: RecordTest = () => true;

/** AND: FALSE wins, then unknown; no part is TRUE. */
export function allOf(parts: readonly RecordTest[]): RecordTest {
  if (parts.length === 0) return alwaysTrue;
  if (parts.length === 1) return parts[0] as RecordTest;
  return (record) => {
    let truth: Truth = true;
    for (const part of parts) {
      const result = part(record);
      if (result === false) return false;
      if (result === null) truth = null;
    }
    return truth;
  };
}

/** OR: TRUE wins, then unknown; no part is FALSE. */
export function anyOf(parts: readonly RecordTest[]): RecordTest {
  return (record) => {
    let truth: Truth = false;
    for (const part of parts) {
      const result = part(record);
      if (result === true) return true;
      if (result === null) truth = null;
    }
    return truth;
  };
}

/** NOT: unknown stays unknown. */
export function negation(part: RecordTest): RecordTest {
  return (record) => {
    const result = part(record);
    return result === null ? null : !result;
  };
}
