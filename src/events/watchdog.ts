/**
 * The watchdog's judgement of one record change, free of I/O: was the member
 * who made it allowed to, by the policy? Twenty enforces what it can natively, but not `when`
 * rules, masks, `where` on scopes, or any scope on a workspace without row-level rules; and a
 * change made by hand on a host where Tiergate's roles drifted is only caught here.
 *
 * - The actor is the workspace member who made the change (`actorOf`); changes by API keys,
 *   workflows and Tiergate itself are not a member's and are not judged (they are still
 *   journaled by the caller).
 * - created: `create` must be allowed on the new record, and every field it sets must be `edit`.
 * - updated: `update` must be allowed on the record as it was (`before`, when the caller knows it;
 *   Twenty's webhooks carry only the record after the change, so without it the record as it is
 *   now stands in), and each of `updatedFields` must be `edit` for the member on that record.
 * - deleted / restored: `delete`; destroyed: `destroy`, on the record as it was.
 * - A member of the workspace who is not in the org holds no Tiergate grant: any change is a
 *   violation (fail closed).
 *
 * What to journal: `redactRecord` replaces the values of sensitive fields (hidden or masked for
 * some role at some tier, or capped by a `when` rule) with a keyed hash, so the journal proves
 * what changed without holding the value, and any value too large, too deep or not JSON with a
 * marker carrying the same hash (record-bounds.ts), so no value keeps a change out of it. `viewersUpdate` says when an owner change moves a
 * record's `tiergateViewers`, so the caller can rewrite it.
 */
import type { Engine } from '../policy/engine.js';
import type { Action, FieldRule, Policy } from '../policy/schema.js';
import { readPath } from '../policy/condition.js';
import type { ViewerIndex } from '../twenty-app/viewers.js';
import type { RecordAction } from '../host/webhook/record-actions.js';
import {
  fieldHashPrefix,
  isMarkerLike,
  JOURNAL_VALUE_LIMITS,
  keyedHash,
  measure,
  omitted,
  RECORD_HASH_PREFIX,
  type JournalValueLimits,
} from './record-bounds.js';
import { HELPER_FIELD } from '../twenty-app/names.js';

type Row = Readonly<Record<string, unknown>>;

export { RECORD_ACTIONS, type RecordAction } from '../host/webhook/record-actions.js';

/** A change to one record, from a webhook or a sweep. */
export interface RecordEvent {
  readonly object: string;
  readonly action: RecordAction;
  readonly recordId: string;
  /** The record after the change (absent for destroyed). */
  readonly after?: Row | undefined;
  /** The record before it, when known (from the caller's last copy). */
  readonly before?: Row | undefined;
  /** Twenty's `updatedFields`, for updates. */
  readonly updatedFields?: readonly string[] | undefined;
  /**
   * The webhook body's `workspaceMemberId`: the member whose call made the change, from the
   * call's auth context, for every action; absent for an API key, a workflow, the system, and
   * for what the sweep finds.
   */
  readonly workspaceMemberId?: string | undefined;
}

export interface Violation {
  /** Workspace member id of the actor. */
  readonly actor: string;
  /** The actor's policy member id, when it is in the org. */
  readonly member?: string;
  readonly object: string;
  readonly recordId: string;
  readonly action: RecordAction;
  /** `scope` (the record was outside what the member may touch), `fields`, or `not-in-org`. */
  readonly kind: 'scope' | 'fields' | 'not-in-org';
  /** The fields it could not edit (kind `fields`). */
  readonly fields?: readonly string[];
  /** In words, with the policy's own reasons. */
  readonly message: string;
}

export interface Judgement {
  /** Workspace member id of the actor, or undefined when no member made the change. */
  readonly actor: string | undefined;
  readonly violations: readonly Violation[];
}

/** Fields every record has, which members never set themselves. */
const SYSTEM_FIELDS = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'createdBy',
  'updatedBy',
  'position',
  'searchVector',
]);

/**
 * Tiergate's helper fields (tiergateViewers, …): read-only natively for every member
 * (compile-fields.ts), so a member's write of one is a violation whatever the policy's default.
 */
export const isTiergateField = (field: string): boolean => field.startsWith('tiergate');

const ACTION_OF: Readonly<Record<RecordAction, Action>> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  restored: 'delete',
  destroyed: 'destroy',
};

/**
 * The actor field Twenty stamped from the caller for this change, when it stamps one. Creations
 * and updates stamp `updatedBy` whatever the input says (`actor-from-auth-context.service.ts`,
 * `injectActorFieldsOnCreate` / `injectUpdatedBy`, called by the `created-by.create-*` and
 * `updated-by.update-*` pre-query hooks; a creation's `createdBy` keeps a given actor with a
 * name, so it only stands in where `updatedBy` is missing). A soft delete, a restore and a
 * destroy stamp nothing: no pre-query hook injects an actor for them, and the soft-delete query
 * builder sets only `deletedAt` (`workspace-soft-delete-query-builder.ts`), so `updatedBy` there
 * still names whoever last updated the record.
 */
export function actorStampOf(event: RecordEvent): Row | undefined {
  if (event.action !== 'created' && event.action !== 'updated') return undefined;
  const record = event.after;
  if (record === undefined) return undefined;
  const isActor = (value: unknown): value is Row =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const updatedBy = readPath(record, ['updatedBy']);
  if (isActor(updatedBy)) return updatedBy;
  const createdBy = event.action === 'created' ? readPath(record, ['createdBy']) : undefined;
  return isActor(createdBy) ? createdBy : undefined;
}

/**
 * The workspace member who made the change, or undefined when no member did (or nobody can
 * say). A creation or an update: the member its stamp names; a stamp naming an API key, a
 * workflow or the system is no member's change, even if the body named one (both come from the
 * same auth context, and the stamp is what the journaled record itself says). The body's
 * `workspaceMemberId` stands in where there is no stamp, and is the only witness of a delete, a
 * restore or a destroy: the record's stale `updatedBy` would name the wrong person.
 */
export function actorOf(event: RecordEvent): string | undefined {
  const stamp = actorStampOf(event);
  if (stamp !== undefined) {
    const { source, workspaceMemberId } = stamp;
    // MANUAL is a person in Twenty's UI (or through their token); API, WORKFLOW, SYSTEM… are not.
    if (source === 'MANUAL' && typeof workspaceMemberId === 'string' && workspaceMemberId !== '')
      return workspaceMemberId;
    if (typeof source === 'string' && source !== 'MANUAL') return undefined;
  }
  const member = event.workspaceMemberId;
  return typeof member === 'string' && member !== '' ? member : undefined;
}

/** Fields a creation sets: those with a value, other than the ones every record has. */
function fieldsSet(record: Row): string[] {
  return Object.entries(record)
    .filter(
      ([field, value]) =>
        !SYSTEM_FIELDS.has(field) &&
        value !== null &&
        value !== undefined &&
        // A helper field's default (none, or an empty list) is not a member's write.
        !(isTiergateField(field) && Array.isArray(value) && value.length === 0),
    )
    .map(([field]) => field)
    .sort();
}

/**
 * Judges one event. `policyIdOf` maps a workspace member id to the policy's member id (the
 * resolved org's host ids, reversed); undefined: the actor is not in the org.
 */
export function judge(
  engine: Engine,
  event: RecordEvent,
  policyIdOf: (workspaceMemberId: string) => string | undefined,
): Judgement {
  const actor = actorOf(event);
  if (actor === undefined) return { actor, violations: [] };
  const base = { actor, object: event.object, recordId: event.recordId, action: event.action };
  const member = policyIdOf(actor);
  if (member === undefined) {
    return {
      actor,
      violations: [
        {
          ...base,
          kind: 'not-in-org',
          message: `${actor} ${event.action} ${event.object} ${event.recordId} but holds no Tiergate grant (not in the org)`,
        },
      ],
    };
  }
  const action = ACTION_OF[event.action];
  const record = event.action === 'created' ? event.after : (event.before ?? event.after);
  // The member is resolved once for the event: its decision and every field it touched.
  const rules = engine.for(member);
  const decision = rules.decide(action, event.object, record);
  if (decision.effect === 'deny') {
    return {
      actor,
      violations: [
        {
          ...base,
          member,
          kind: 'scope',
          message: `${member} may not ${action} this ${event.object}: ${decision.reasons.join('; ')}`,
        },
      ],
    };
  }
  const touched =
    event.action === 'created'
      ? fieldsSet(event.after ?? {})
      : event.action === 'updated'
        ? (event.updatedFields ?? []).filter((f) => !SYSTEM_FIELDS.has(f))
        : [];
  const refused = touched.filter(
    (field) =>
      isTiergateField(field) || rules.fieldState(action, event.object, field, record) !== 'edit',
  );
  if (refused.length === 0) return { actor, violations: [] };
  return {
    actor,
    violations: [
      {
        ...base,
        member,
        kind: 'fields',
        fields: refused,
        message: `${member} may not edit ${refused.join(', ')} of this ${event.object}`,
      },
    ],
  };
}

/** Which fields of an object are sensitive; a predicate, since a `default` rule covers names no list holds. */
export interface SensitiveFields {
  has(field: string): boolean;
}

/** What every record carries and the journal needs to place a change: never hashed. */
const RECORD_IDENTITY = new Set(['id', 'createdAt', 'updatedAt', 'deletedAt']);

/**
 * Fields of an object whose values the journal must not hold in clear: those hidden or masked
 * for some role at some tier, or the target of a `when` rule, read as the field plan reads a
 * policy (src/policy/field-plan.ts): a listed field is hidden below its lowest tier key, and an
 * unlisted one takes the role's `default`, hidden without one. So where a role's default
 * restricts, every field it does not list is sensitive, whatever its name.
 */
export function sensitiveFields(policy: Policy, object: string): SensitiveFields {
  const lowest = policy.tiers[0]?.id;
  const restricts = (rule: FieldRule | undefined): boolean => {
    if (rule === undefined) return true;
    const { when, ...tiers } = rule;
    if (when !== undefined && when.length > 0) return true;
    if (lowest === undefined || !Object.hasOwn(tiers, lowest)) return true;
    return Object.values(tiers).some((value) => value === 'hidden' || typeof value === 'object');
  };
  const listedSensitive = new Set<string>();
  /** Per role whose default restricts: the fields it lists (everything else is sensitive). */
  const restrictiveDefaults: Set<string>[] = [];
  for (const role of Object.values(policy.roles)) {
    const rules = role.objects[object];
    if (rules === undefined) continue;
    const listed = new Set<string>();
    for (const [name, rule] of Object.entries(rules.fields ?? {})) {
      if (name === 'default') continue;
      const root = name.split('.')[0] ?? name;
      listed.add(root);
      if (restricts(rule)) listedSensitive.add(root);
    }
    if (restricts(rules.fields?.default)) restrictiveDefaults.push(listed);
  }
  return {
    has: (field) =>
      !RECORD_IDENTITY.has(field) &&
      (listedSensitive.has(field) || restrictiveDefaults.some((listed) => !listed.has(field))),
  };
}

interface BoundField {
  readonly name: string;
  value: unknown;
  /** Its canonical size in bytes; an upper bound while `exact` is false. */
  bytes: number;
  exact: boolean;
  /** A value kept as it is, which a marker may replace if the record is over its limit. */
  readonly shrinkable: boolean;
}

/** One field's value as the journal holds it, and its size. */
function boundField(
  name: string,
  value: unknown,
  sensitive: SensitiveFields,
  key: Uint8Array,
  limits: JournalValueLimits,
): BoundField {
  if (value === null) return { name, value, bytes: 4, exact: true, shrinkable: false };
  if (sensitive.has(name)) {
    const hashed = { hmacSha256: keyedHash(key, fieldHashPrefix(name), value).hmacSha256 };
    return { name, value: hashed, bytes: 81, exact: true, shrinkable: false };
  }
  // The common short string and finite number, without a walk: a character takes at most six
  // bytes in JSON (\u001f), and a number prints as String does.
  if (typeof value === 'string' && value.length * 6 + 2 <= limits.maxFieldBytes)
    return { name, value, bytes: value.length * 6 + 2, exact: false, shrinkable: true };
  if (typeof value === 'number' && Number.isFinite(value))
    return { name, value, bytes: String(value).length, exact: true, shrinkable: true };
  const measured = measure(value, limits.maxFieldBytes, limits.maxDepth);
  const size =
    measured.kind === 'ok' && isMarkerLike(value) ? { kind: 'marker-like' as const } : measured;
  if (size.kind === 'ok') return { name, value, bytes: size.bytes, exact: true, shrinkable: true };
  const marker = omitted(size.kind, key, fieldHashPrefix(name), value);
  return {
    name,
    value: marker,
    bytes: Buffer.byteLength(JSON.stringify(marker)),
    exact: true,
    shrinkable: false,
  };
}

/**
 * The record as the journal holds it: each sensitive field's value replaced by `{ hmacSha256 }`
 * over its canonical JSON, keyed (equal values hash equally, so a change shows, but the value
 * cannot be read back or guessed from a table of likely values without the key), and every
 * value past `limits` replaced by an omitted-value marker (record-bounds.ts), so that no value
 * stops a change from being journaled. Never throws for what the record holds.
 */
export function redactRecord(
  record: Row,
  sensitive: SensitiveFields,
  key: Uint8Array,
  limits: JournalValueLimits = JOURNAL_VALUE_LIMITS,
): Record<string, unknown> {
  const fields = Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => boundField(name, value, sensitive, key, limits));
  // Braces, plus per field its quoted name, a colon and a comma: first as an upper bound (six
  // bytes a character), counted exactly only when that bound is over the limit.
  let exactNames = false;
  const sum = () =>
    fields.reduce(
      (n, f) =>
        n +
        (exactNames ? Buffer.byteLength(JSON.stringify(f.name)) : f.name.length * 6 + 2) +
        2 +
        f.bytes,
      2,
    );
  let total = sum();
  if (total > limits.maxRecordBytes) {
    for (const field of fields.filter((f) => !f.exact)) {
      field.bytes = Buffer.byteLength(JSON.stringify(field.value));
      field.exact = true;
    }
    exactNames = true;
    total = sum();
  }
  // Over the record's limit: the largest values give way to markers first.
  for (const field of fields.filter((f) => f.shrinkable).sort((a, b) => b.bytes - a.bytes)) {
    if (total <= limits.maxRecordBytes) break;
    const marker = omitted('too-large', key, fieldHashPrefix(field.name), field.value);
    const bytes = Buffer.byteLength(JSON.stringify(marker));
    // A value smaller than its marker stays: replacing it would only grow the record.
    if (bytes >= field.bytes) continue;
    total += bytes - field.bytes;
    field.value = marker;
    field.bytes = bytes;
  }
  // Still over (its keys alone, or thousands of fields): the record as one marker.
  if (total > limits.maxRecordBytes)
    return { ...omitted('too-large', key, RECORD_HASH_PREFIX, record) };
  // Object.fromEntries defines each key as its own property: assigning `out[name]` would set
  // the prototype for a field named `__proto__` and drop it.
  return Object.fromEntries(fields.map((f) => [f.name, f.value]));
}

/**
 * The record's new `tiergateViewers`, when the change moved them (a creation, or an owner field
 * or the field itself among the updated ones: someone else wrote it); undefined when they stay as
 * they are, so Tiergate's own rewrite never triggers another.
 */
export function viewersUpdate(
  index: ViewerIndex,
  policy: Policy,
  event: RecordEvent,
): readonly string[] | undefined {
  if (!index.objects().includes(event.object) || event.after === undefined) return undefined;
  const owners = policy.objects[event.object]?.owner ?? [];
  if (event.action === 'updated') {
    // An update the sweep found says not which fields changed: the viewers are checked whatever.
    const changed = new Set((event.updatedFields ?? []).map((f) => f.split('.')[0] ?? f));
    const ownerTops = owners.map((o) => o.split('.')[0] ?? o);
    // Twenty names a relation's join column (`ownerId`) or the relation (`owner`).
    const ownerMoved = ownerTops.some((o) => changed.has(o) || changed.has(o.replace(/Id$/, '')));
    if (event.updatedFields !== undefined && !ownerMoved && !changed.has(HELPER_FIELD)) {
      return undefined;
    }
  } else if (event.action !== 'created' && event.action !== 'restored') {
    return undefined;
  }
  const after = event.after;
  const wanted = index.viewersOf(
    event.object,
    owners.map((path) => readPath(after, path.split('.'))),
  );
  const current = Array.isArray(after[HELPER_FIELD])
    ? (after[HELPER_FIELD] as unknown[]).filter((v): v is string => typeof v === 'string').sort()
    : [];
  return current.join() === wanted.join() ? undefined : wanted;
}
