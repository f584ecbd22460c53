/**
 * Twenty's workspace-wide `search` query (twentyhq/twenty `packages/twenty-server/src/engine/
 * core-modules/search/search.resolver.ts` and `services/search.service.ts`), enough of it for
 * the gateway's tests:
 * - the objects searched: active ones with a search vector, minus `excludedObjectNameSingulars`,
 *   only `includedObjectNameSingulars` when given (`filterObjectMetadataItems`);
 * - per object, the records whose search vector matches every term as a prefix (or any term:
 *   `searchTerms` / `searchTermsOr`, `format-search-terms.ts`), every record when the input is
 *   empty, narrowed by `filter` (id and dates, soft-deleted records left out unless it names
 *   `deletedAt`) and by the `after` cursor, `limit + 1` of them;
 * - the answer: `{ recordId, objectNameSingular, objectLabelSingular, label, imageUrl, tsRankCD,
 *   tsRank }` sorted by the ranks, cut to `limit`, each edge's cursor base64 JSON of
 *   `{ lastRanks, lastRecordIdsPerObject }`, `hasNextPage` when more matched.
 *
 * Permissions: each object is read under the caller's role, and an object the role cannot read
 * is left out, its rows narrowed by the role's row rules. UNVERIFIED for 2.43: the stored
 * `search.service.ts` versions differ (one reads every object under a system context, a newer
 * one resolves the caller's role), so the gateway never relies on it (src/gateway/core/search-vector.ts).
 * Ranks are the sandbox's: the share of the record's words the terms match, not Postgres's
 * `ts_rank_cd`/`ts_rank`; unaccenting and the CJK fallback are not reproduced.
 */
import { isPlainObject } from './sql-values.js';
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { authorize } from './access.js';
import type { CoreContext } from './context.js';
import { coreError } from './errors.js';
import { matchingRecords } from './find.js';
import { activeObjects } from './object-model.js';
import type { Args } from './resolver-kit.js';
import { searchWords } from './search-vector.js';

/** The label identifier field of the standard objects; a custom object's is `name`. */
const LABEL_FIELDS: Readonly<Record<string, string>> = {
  task: 'title',
  note: 'title',
};

export interface SearchRecord {
  readonly recordId: string;
  readonly objectNameSingular: string;
  readonly objectLabelSingular: string;
  readonly label: string;
  readonly imageUrl: string | null;
  readonly tsRankCD: number;
  readonly tsRank: number;
}

interface SearchCursor {
  readonly lastRanks: { readonly tsRankCD: number; readonly tsRank: number };
  readonly lastRecordIdsPerObject: Readonly<Record<string, string | undefined>>;
}

function decodeSearchCursor(after: string): SearchCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(after, 'base64').toString());
    if (isPlainObject(parsed) && isPlainObject(parsed.lastRanks)) {
      const ranks = parsed.lastRanks;
      const ids = isPlainObject(parsed.lastRecordIdsPerObject) ? parsed.lastRecordIdsPerObject : {};
      if (typeof ranks.tsRankCD === 'number' && typeof ranks.tsRank === 'number')
        return {
          lastRanks: { tsRankCD: ranks.tsRankCD, tsRank: ranks.tsRank },
          lastRecordIdsPerObject: Object.fromEntries(
            Object.entries(ids).filter(([, id]) => typeof id === 'string'),
          ) as Record<string, string>,
        };
    }
  } catch {
    // Reported below.
  }
  throw coreError(`Invalid cursor: ${after}`);
}

function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64');
}

function labelOf(object: SandboxObject, record: SandboxRecord): string {
  const name = LABEL_FIELDS[object.nameSingular] ?? 'name';
  const value = record[name];
  if (isPlainObject(value))
    return [value.firstName, value.lastName]
      .map((part) => (typeof part === 'string' ? part : ''))
      .join(' ');
  return typeof value === 'string' ? value : '';
}

/** `getLogoUrlFromDomainName` for a company, nothing for the others (file URLs are signed). */
function imageUrlOf(object: SandboxObject, record: SandboxRecord): string {
  if (object.nameSingular !== 'company') return '';
  const domain = isPlainObject(record.domainName) ? record.domainName.primaryLinkUrl : undefined;
  if (typeof domain !== 'string' || domain === '') return '';
  const host = domain.replace(/^https?:\/\//, '').split('/')[0] ?? '';
  return host === '' ? '' : `https://twenty-icons.com/${host}`;
}

function terms(searchInput: string): string[] {
  return searchInput
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);
}

function termMatches(term: string, words: readonly string[]): number {
  const prefix = (part: string) => words.filter((word) => word.startsWith(part)).length;
  const whole = prefix(term);
  if (whole > 0) return whole;
  const parts = term.split(/[-_./]+/).filter((part) => part.length > 0);
  if (parts.length < 2) return 0;
  const counts = parts.map(prefix);
  return counts.every((count) => count > 0) ? Math.min(...counts) : 0;
}

/** The ranks of a record for the terms, or undefined when it does not match. */
function ranksOf(
  object: SandboxObject,
  record: SandboxRecord,
  wanted: readonly string[],
): { tsRankCD: number; tsRank: number } | undefined {
  const words = searchWords(object, record);
  if (wanted.length === 0) return { tsRankCD: 0, tsRank: 0 };
  const counts = wanted.map((term) => termMatches(term, words));
  const matched = counts.filter((count) => count > 0).length;
  if (matched === 0) return undefined;
  const hits = counts.reduce((sum, count) => sum + count, 0);
  const share = (n: number) => Math.round((n / Math.max(words.length, 1)) * 1e6) / 1e6;
  // Every term matched ranks first (Twenty's `&` query), any term after (its `|` query).
  return { tsRankCD: matched === wanted.length ? share(hits) : 0, tsRank: share(hits) };
}

function after(a: SearchRecord, cursor: SearchCursor): boolean {
  const { tsRankCD, tsRank } = cursor.lastRanks;
  if (a.tsRankCD !== tsRankCD) return a.tsRankCD < tsRankCD;
  if (a.tsRank !== tsRank) return a.tsRank < tsRank;
  const last = cursor.lastRecordIdsPerObject[a.objectNameSingular];
  return last === undefined || a.recordId > last;
}

function compare(a: SearchRecord, b: SearchRecord): number {
  if (a.tsRankCD !== b.tsRankCD) return b.tsRankCD - a.tsRankCD;
  if (a.tsRank !== b.tsRank) return b.tsRank - a.tsRank;
  if (a.objectNameSingular !== b.objectNameSingular)
    return a.objectNameSingular < b.objectNameSingular ? -1 : 1;
  return a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0;
}

function names(args: Args, key: string): string[] {
  const value = args[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether the caller's role may read the object at all (its records' ids and labels). */
function readable(context: CoreContext, object: SandboxObject): boolean {
  try {
    authorize(context, object, 'select', ['id']);
    return true;
  } catch {
    return false;
  }
}

export function search(context: CoreContext, args: Args) {
  const searchInput = typeof args.searchInput === 'string' ? args.searchInput : '';
  const limit = typeof args.limit === 'number' ? args.limit : 0;
  const cursor = typeof args.after === 'string' ? decodeSearchCursor(args.after) : undefined;
  const included = names(args, 'includedObjectNameSingulars');
  const excluded = names(args, 'excludedObjectNameSingulars');
  const filter = isPlainObject(args.filter) ? args.filter : undefined;
  const wanted = terms(searchInput);
  const objects = activeObjects(context.state).filter(
    (object) =>
      object.fields.some((field) => field.type === 'TS_VECTOR') &&
      !excluded.includes(object.nameSingular) &&
      (included.length === 0 || included.includes(object.nameSingular)) &&
      readable(context, object),
  );
  const found: SearchRecord[] = objects.flatMap((object) =>
    matchingRecords(context, object, filter)
      .flatMap((record): SearchRecord[] => {
        const ranks = ranksOf(object, record, wanted);
        if (ranks === undefined) return [];
        return [
          {
            recordId: record.id,
            objectNameSingular: object.nameSingular,
            objectLabelSingular: object.labelSingular,
            label: labelOf(object, record),
            imageUrl: imageUrlOf(object, record),
            ...ranks,
          },
        ];
      })
      .filter((record) => cursor === undefined || after(record, cursor))
      .sort(compare)
      .slice(0, limit + 1),
  );
  const sorted = found.sort(compare);
  const page = sorted.slice(0, limit);
  const lastIds: Record<string, string | undefined> = { ...cursor?.lastRecordIdsPerObject };
  const edges = page.map((node) => {
    lastIds[node.objectNameSingular] = node.recordId;
    const next = {
      lastRanks: { tsRankCD: node.tsRankCD, tsRank: node.tsRank },
      lastRecordIdsPerObject: { ...lastIds },
    };
    return { node, cursor: encodeSearchCursor(next) };
  });
  return {
    edges,
    pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: sorted.length > limit },
  };
}
