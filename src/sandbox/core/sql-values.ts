/**
 * Stored values as PostgreSQL sees them, for filtering, ordering and aggregates: how a column is
 * read from a record, how two of its values compare, and what its `::text` cast prints. Twenty
 * keeps every record in PostgreSQL, so these are the rules its filters and orders run by.
 */

/** How a column's values compare: as instants, as numbers, or as text. */
export type ValueKind = 'dateTime' | 'number' | 'other';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The comparison kind of a field or composite sub-field type (`FieldMetadataType`). */
export function valueKindOf(type: string): ValueKind {
  if (type === 'DATE_TIME') return 'dateTime';
  if (type === 'NUMBER' || type === 'NUMERIC' || type === 'POSITION') return 'number';
  return 'other';
}

/**
 * Reads a column (a field, or a composite sub-field as `[field, subField]`); a missing value is
 * NULL. Own properties only, so a field named `constructor` never reads Object's prototype.
 */
export function readColumn(
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

/** A scalar as text: strings as they are, anything else as its JSON. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // A circular value: nothing a filter sends can equal it.
    return '\u0000unrepresentable';
  }
}

function comparable(value: unknown, kind: ValueKind): number | string {
  if (kind === 'dateTime') return Date.parse(scalarText(value));
  if (kind === 'number') return Number(value);
  return typeof value === 'number' ? value : scalarText(value);
}

/** Orders two non-NULL values of a column of this kind (negative, zero or positive). */
export function compareValues(left: unknown, right: unknown, kind: ValueKind): number {
  const a = comparable(left, kind);
  const b = comparable(right, kind);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** An element of a PostgreSQL array literal, quoted when the array parser would need it. */
function arrayElementText(item: unknown): string {
  if (item === null || item === undefined) return 'NULL';
  const text = scalarText(item);
  const plain = text !== '' && text.toUpperCase() !== 'NULL' && !/[{}",\\\s]/.test(text);
  return plain ? text : `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** jsonb's text form: `", "` and `": "` separators, object keys by length then bytes. */
function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort((a, b) =>
      a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbText(value[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** timestamptz's text form in UTC: `2026-06-30 12:00:00.12+00`, trailing zero digits dropped. */
function timestampText(value: unknown): string {
  const time = Date.parse(scalarText(value));
  if (Number.isNaN(time)) return scalarText(value);
  const iso = new Date(time).toISOString();
  const fraction = iso.slice(19, 23).replace(/\.?0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00`;
}

/**
 * A non-NULL value as `column::text` prints it for a column of this field type, which is what
 * Twenty's `like`, `ilike`, `startsWith` and `endsWith` match against: text and enum arrays
 * (ARRAY, MULTI_SELECT) print as array literals, RAW_JSON and FILES as jsonb, DATE_TIME in the
 * database's time zone (UTC assumed).
 */
export function columnText(value: unknown, type: string): string {
  if (type === 'ARRAY' || type === 'MULTI_SELECT') {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    return `{${items.map(arrayElementText).join(',')}}`;
  }
  if (type === 'RAW_JSON' || type === 'FILES') return jsonbText(value);
  if (type === 'DATE_TIME') return timestampText(value);
  return scalarText(value);
}

/** The items of a list value as text, NULL items kept as null (they match nothing). */
export function textItems(value: unknown): (string | null)[] {
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.map((item) => (item === null || item === undefined ? null : scalarText(item)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * PostgreSQL LIKE / ILIKE: `%` any run, `_` one character, `\` (the default ESCAPE) makes the
 * next character literal; the pattern must match the whole text.
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern.charAt(++i));
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}
