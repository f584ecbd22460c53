/**
 * `searchVector` reveals the fields it is built from: its value lists their words, and its
 * `search` filter (or any comparison of its text) finds records by them. So a member may filter
 * on it, select it or receive it only when every field that may feed it is readable in clear
 * (read or edit, no mask) on every record; otherwise it is refused (filters, selections) or
 * dropped (REST answers).
 *
 * Which fields feed it: src/host/core-schema/search-fields.ts. A workspace may add any field of
 * a searchable type to the vector and the gateway does not read that setting, so every such
 * field counts, beside Twenty's defaults: fail closed.
 */
import { possibleSearchFields } from '../../host/core-schema/search-fields.js';
import type { FieldState } from '../../policy/schema.js';
import { Denial } from './denial.js';
import { READABLE } from './field-states.js';
import type { GatewayObject } from './model.js';

/** Whether `name` is a TS_VECTOR field of the object (Twenty's `searchVector`). */
export function isSearchVector(object: GatewayObject, name: string): boolean {
  return object.fields.get(name)?.type === 'TS_VECTOR';
}

/**
 * The fields that may feed the object's search vector, split by whether the member reads them
 * in clear on every record: `floor` is the engine's field floor, `stateOf` a field's state in it.
 */
export function searchSources(
  object: GatewayObject,
  floor: Readonly<Record<string, FieldState>>,
  stateOf: (field: string) => FieldState,
): { readonly clear: string[]; readonly unclear: string[] } {
  const clear: string[] = [];
  const unclear: string[] = [];
  for (const field of possibleSearchFields(object.metadata)) {
    const prefix = `${object.stateField(field)}.`;
    // A rule on a sub-field (`phones.primaryPhoneNumber: { mask: last4 }`) counts too.
    const subs = Object.keys(floor).filter((key) => key.startsWith(prefix));
    const inClear =
      READABLE.has(stateOf(field)) && subs.every((key) => READABLE.has(floor[key] as FieldState));
    (inClear ? clear : unclear).push(field);
  }
  return { clear, unclear };
}

/**
 * The refusal of a search over fields the member cannot read in clear, saying what to do
 * instead. It names only this member's own fields, never a rule, role or tier.
 */
export function searchVectorDenial(
  object: GatewayObject,
  field: string,
  use: string,
  sources: { readonly clear: readonly string[]; readonly unclear: readonly string[] },
): Denial {
  const instead =
    sources.clear.length > 0
      ? `filter by a field you can read instead, such as ${sources.clear.slice(0, 3).join(', ')}`
      : 'filter by a field you can read instead';
  return new Denial(
    'FORBIDDEN',
    `Permission denied: ${use} on ${object.name}.${field} searches fields this member cannot read on every record; ${instead}`,
    { object: object.name, field, fields: [...sources.unclear] },
  );
}

/** Twenty's workspace-wide search query (`search.resolver.ts`). */
export const SEARCH_ROOT_FIELD = 'search';

/**
 * An object name no workspace has: Twenty searches every searchable object when
 * `includedObjectNameSingulars` is empty, so "none" has to be a list naming nothing real.
 */
export const NO_SEARCHABLE_OBJECT = 'tiergateNoSearchableObject';

export interface SearchScope {
  readonly objects: readonly GatewayObject[];
  /** The client's `includedObjectNameSingulars` (empty: every object). */
  readonly requested: readonly string[];
  readonly excluded: readonly string[];
  /** Objects left to Twenty's own permissions: searched as Twenty answers. */
  readonly isNative: (object: GatewayObject) => boolean;
  /** The member reads every record of the object (no row scope). */
  readonly mayRead: (object: GatewayObject) => boolean;
  /** Every field feeding the object's search vector is readable in clear on every record. */
  readonly isSearchable: (object: GatewayObject) => boolean;
  /** The fields the search's `filter` names are readable on every record. */
  readonly filterReadable: (object: GatewayObject) => boolean;
}

/**
 * The objects a member's `search` may cover. Its answer names each record found (id, object,
 * label from the label identifier field, image, ranks) and finds records by every field that
 * feeds the search vector, and it takes no per-object filter, so the gateway cannot narrow it
 * to a scope: an object is searched only when the member reads all its records and every
 * search field in clear (the label identifier and a company's domain are among them). Twenty's
 * own role is not relied on (which 2.43's search service applies is unconfirmed). Never empty:
 * `NO_SEARCHABLE_OBJECT` stands for none.
 */
export function searchableObjectNames(scope: SearchScope): string[] {
  const names = scope.objects
    .filter(
      (object) =>
        object.fields.has('searchVector') || possibleSearchFields(object.metadata).length > 0,
    )
    .filter(
      (object) =>
        (scope.requested.length === 0 || scope.requested.includes(object.name)) &&
        !scope.excluded.includes(object.name),
    )
    .filter(
      (object) =>
        scope.isNative(object) ||
        (scope.mayRead(object) && scope.isSearchable(object) && scope.filterReadable(object)),
    )
    .map((object) => object.name);
  return names.length === 0 ? [NO_SEARCHABLE_OBJECT] : names;
}

/** The strings of an argument given as a list (anything else: none). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
