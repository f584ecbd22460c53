/**
 * `searchVector` (TS_VECTOR) as Twenty computes and searches it, roughly.
 *
 * The value: Twenty's generated column `to_tsvector('simple', …)` over the object's search
 * fields (src/host/core-schema/search-fields.ts; twentyhq/twenty `packages/twenty-server/src/
 * engine/workspace-manager/utils/get-ts-vector-column-expression.util.ts`): a composite's TEXT
 * sub-fields (PHONES: the primary number and calling code, also written `+33 6…`, `33 6…` and
 * `06…`; EMAILS: the primary email and its domain, and the additional emails; LINKS: plus the
 * secondary links; RICH_TEXT: the markdown), or the column. Here the words are lower-cased and
 * split on what is neither a letter, a digit nor one of `@ . - _ + /` (Postgres's parser keeps
 * emails, hosts and URLs whole), and printed as Postgres prints a tsvector: `'acme':1 'corp':2`.
 *
 * The `search` operator (`compute-where-condition-parts.ts`): `vector @@ to_tsquery(terms) OR
 * vector::text ILIKE %value%`, where each whitespace-separated term is a prefix (`term:*`), all
 * of them required, and a term with `-_./` in it also matches when each of its parts does
 * (`core-modules/search/utils/format-search-terms.ts`). Not reproduced: unaccenting.
 */
import { compositeProperties } from '../../host/core-schema/field-types.js';
import { isCompositeFieldType } from '../../host/core-schema/object-metadata.js';
import { defaultSearchFields } from '../../host/core-schema/search-fields.js';
import { isPlainObject } from './sql-values.js';
import type { SandboxObject } from '../workspace.js';
import { coreError } from './errors.js';

type Row = Readonly<Record<string, unknown>>;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The text one search field contributes (`getColumnExpressionsFromField`). */
function fieldText(object: SandboxObject, name: string, record: Row): string[] {
  const field = object.fields.find((f) => f.name === name);
  const value = record[name];
  if (!field) return [];
  if (!isCompositeFieldType(field.type)) return [text(value)];
  const parts = isPlainObject(value) ? value : {};
  const subs = compositeProperties(field.type)
    .filter((p) => p.type === 'TEXT')
    .filter((p) => field.type !== 'PHONES' || /^primaryPhone(Number|CallingCode)$/.test(p.name))
    .filter((p) => field.type !== 'RICH_TEXT' || p.name === 'markdown')
    .map((p) => text(parts[p.name]));
  if (field.type === 'EMAILS') {
    const primary = text(parts.primaryEmail);
    subs.push(primary.split('@')[1] ?? '', text(parts.additionalEmails));
  }
  if (field.type === 'PHONES') {
    const number = text(parts.primaryPhoneNumber);
    const calling = text(parts.primaryPhoneCallingCode);
    if (number !== '') subs.push(calling + number, calling.replace('+', '') + number, `0${number}`);
    subs.push(text(parts.additionalPhones));
  }
  if (field.type === 'LINKS') subs.push(text(parts.secondaryLinks));
  return subs;
}

/** The words of a record's search vector, in order (`to_tsvector('simple', …)`). */
export function searchWords(object: SandboxObject, record: Row): string[] {
  const source = defaultSearchFields(object)
    .flatMap((name) => fieldText(object, name, record))
    .join(' ');
  return source
    .toLowerCase()
    .split(/[^\p{L}\p{N}@._+/-]+/u)
    .map((word) => word.replace(/^[._+/-]+|[._+/-]+$/g, ''))
    .filter((word) => word.length > 0);
}

/** The record's search vector as Postgres prints a tsvector: sorted words with positions. */
export function searchVectorOf(object: SandboxObject, record: Row): string {
  const positions = new Map<string, number[]>();
  searchWords(object, record).forEach((word, index) => {
    positions.set(word, [...(positions.get(word) ?? []), index + 1]);
  });
  if (positions.size === 0) return '';
  return [...positions.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([word, at]) => `'${word.replaceAll("'", "''")}':${at.join(',')}`)
    .join(' ');
}

function termMatches(term: string, words: readonly string[]): boolean {
  const prefix = (part: string) => words.some((word) => word.startsWith(part));
  if (prefix(term)) return true;
  const parts = term.split(/[-_./]+/).filter((part) => part.length > 0);
  return parts.length > 1 && parts.every(prefix);
}

/** The `{ search: "…" }` filter on a TS_VECTOR column; any other operator is Twenty's error. */
export function searchPredicate(
  object: SandboxObject,
  operators: unknown,
): (record: Row) => boolean | null {
  if (!isPlainObject(operators)) throw coreError('Invalid filter value for searchVector');
  const entries = Object.entries(operators).filter(([, v]) => v !== undefined);
  for (const [operator] of entries)
    if (operator !== 'search') throw coreError(`Operator "${operator}" is not supported`);
  const value = entries.length === 0 ? undefined : entries[0]?.[1];
  if (value === null || value === undefined) return () => true;
  const wanted = text(value);
  const terms = wanted
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  return (record) => {
    const words = searchWords(object, record);
    if (terms.length > 0 && terms.every((term) => termMatches(term, words))) return true;
    const printed = searchVectorOf(object, record);
    return printed.toLowerCase().includes(wanted.toLowerCase());
  };
}
