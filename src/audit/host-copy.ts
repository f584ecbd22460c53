/**
 * The host's copy of the journal: the `tiergateAuditEntry` records the relay wrote, one per
 * entry (`auditRecordOf`) and one per checkpoint (`checkpointRecordOf`, action
 * `journal.checkpoint`), read page by page for `tiergate audit verify`. Each entry record must
 * say what the journal's entry at its `sequence` says, field for field; a record beyond the
 * journal's last entry means the store's tail was cut; an entry the store marks as delivered
 * must be there. Only a digest of each field is kept, so memory stays small per record.
 *
 * findMany leaves soft-deleted records out unless its filter names `deletedAt`, and pages by
 * cursor with an `id` tie-breaker (docs/host-fidelity.md; Twenty's
 * `graphql-query-find-many-resolver.service.ts`): a record deleted through the API reads as
 * missing, which is what verify must report.
 */
import { createHash } from 'node:crypto';
import { resolverName } from '../host/core-schema/names.js';
import type { HostClient } from '../host/client.js';
import { allRecords } from '../host/paging.js';
import {
  manifestField,
  manifestObject,
  tiergateManifest,
  type Manifest,
} from '../twenty-app/manifest.js';
import { canonicalize } from './canonical-json.js';
import type { JournalEntry } from './journal.js';
import { AUDIT_OBJECT, auditRecordOf } from './outbox-relay.js';
import type { JournalProblem } from './verify.js';

/** The action of a checkpoint's record (`checkpointRecordOf`). */
export const CHECKPOINT_ACTION = 'journal.checkpoint';

const FIELDS = [
  'sequence',
  'occurredAt',
  'actor',
  'action',
  'subject',
  'reason',
  'before',
  'after',
  'hash',
  'previousHash',
] as const;
type Field = (typeof FIELDS)[number];

/** One entry record as compared: a short rendering of each field. */
export interface HostEntry {
  readonly id: string;
  readonly fields: Readonly<Record<Field, string>>;
}

export interface HostCopy {
  /** The entry records by `sequence` (two for one seq is itself a finding). */
  readonly entries: ReadonlyMap<number, readonly HostEntry[]>;
  /** Records whose `sequence` is not a positive whole number. */
  readonly malformed: readonly string[];
  /** The `after` of every checkpoint record, unchecked (the verifier trusts none of it). */
  readonly checkpoints: readonly unknown[];
  readonly records: number;
}

const digest = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 24);

/** A field's value as compared: times by instant, JSON values by their canonical text. */
function render(field: Field, value: unknown): string {
  if (field === 'occurredAt') {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? `not a time: ${JSON.stringify(value)}` : new Date(ms).toISOString();
  }
  if (field === 'before' || field === 'after') {
    if (value === null || value === undefined) return 'null';
    try {
      return digest(canonicalize(value));
    } catch {
      return `not JSON: ${typeof value}`;
    }
  }
  return JSON.stringify(value ?? null);
}

function fieldsOf(record: Readonly<Record<string, unknown>>, names: Record<Field, string>) {
  const fields = {} as Record<Field, string>;
  for (const field of FIELDS) fields[field] = render(field, record[names[field]]);
  return fields;
}

function namesOf(manifest: Manifest): Record<Field, string> {
  const names = {} as Record<Field, string>;
  for (const field of FIELDS) names[field] = manifestField(AUDIT_OBJECT, field, manifest).name;
  return names;
}

/** Sorts records into a `HostCopy` (exported for tests that hand records over directly). */
export function hostCopyOf(
  records: Iterable<Readonly<Record<string, unknown>>>,
  manifest: Manifest = tiergateManifest(),
): HostCopy {
  const names = namesOf(manifest);
  const entries = new Map<number, HostEntry[]>();
  const malformed: string[] = [];
  const checkpoints: unknown[] = [];
  let count = 0;
  for (const record of records) {
    count++;
    const id = String(record.id);
    if (record[names.action] === CHECKPOINT_ACTION) {
      checkpoints.push(record[names.after]);
      continue;
    }
    const seq = record[names.sequence];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      malformed.push(`record ${id} has sequence ${JSON.stringify(seq ?? null)}`);
      continue;
    }
    const list = entries.get(seq) ?? [];
    list.push({ id, fields: fieldsOf(record, names) });
    entries.set(seq, list);
  }
  return { entries, malformed, checkpoints, records: count };
}

/** Reads every record of the audit object from the host, page by page. */
export async function readHostCopy(
  client: HostClient,
  manifest: Manifest = tiergateManifest(),
): Promise<HostCopy> {
  const object = manifestObject(AUDIT_OBJECT, manifest);
  const resolver = resolverName(object, 'findMany');
  const names = namesOf(manifest);
  const document = `query TiergateAuditCopy($first: Int, $after: String) {
  ${resolver}(first: $first, after: $after) {
    edges { node { id ${FIELDS.map((f) => names[f]).join(' ')} } cursor }
    pageInfo { hasNextPage endCursor }
  }
}`;
  const records: Readonly<Record<string, unknown>>[] = [];
  for await (const record of allRecords(client, {
    operation: `${resolver} (audit verify)`,
    document,
    resolver,
  }))
    records.push(record);
  return hostCopyOf(records, manifest);
}

/**
 * Compares the journal's entries, as they are verified, with the host's records of them. `seen`
 * entries are dropped from the map's view so `finish` finds what the host holds beyond them.
 */
export class HostEntryCheck {
  readonly #copy: HostCopy;
  readonly #delivered: (seq: number) => boolean;
  readonly #manifest: Manifest;
  readonly #names: Record<Field, string>;
  #compared = 0;

  /** `delivered`: whether the store says the entry reached the host (so it must be there). */
  constructor(copy: HostCopy, delivered: (seq: number) => boolean, manifest = tiergateManifest()) {
    this.#copy = copy;
    this.#delivered = delivered;
    this.#manifest = manifest;
    this.#names = namesOf(manifest);
  }

  /** Entry records found equal to their journal entries. */
  get compared(): number {
    return this.#compared;
  }

  /** A problem found before any entry: a record with no usable sequence. */
  start(): JournalProblem | undefined {
    const bad = this.#copy.malformed[0];
    return bad === undefined
      ? undefined
      : {
          seq: 0,
          kind: 'host-entry-differs',
          message: `the host's audit object: ${bad}, which is no journal entry`,
        };
  }

  /** Checks the host's records at `entry.seq` (the entry already verified). */
  check(entry: JournalEntry): JournalProblem | undefined {
    const records = this.#copy.entries.get(entry.seq);
    if (records === undefined) {
      if (!this.#delivered(entry.seq)) return undefined;
      return {
        seq: entry.seq,
        kind: 'entry-not-on-host',
        message: `entry ${entry.seq} was delivered to the host's audit object, which no longer holds it: it was deleted there`,
      };
    }
    const expected = fieldsOf(auditRecordOf(entry, this.#manifest), this.#names);
    for (const record of records) {
      const field = FIELDS.find((f) => record.fields[f] !== expected[f]);
      if (field !== undefined)
        return {
          seq: entry.seq,
          kind: 'host-entry-differs',
          message: `entry ${entry.seq}: the host's record ${record.id} differs from the journal in ${this.#names[field]} (host ${record.fields[field]}, journal ${expected[field]})`,
        };
    }
    if (records.length > 1)
      return {
        seq: entry.seq,
        kind: 'host-entry-differs',
        message: `entry ${entry.seq}: the host's audit object holds it ${records.length} times (records ${records.map((r) => r.id).join(', ')})`,
      };
    this.#compared++;
    return undefined;
  }

  /** After the last entry: a record beyond it means the store's tail was removed. */
  finish(lastSeq: number): JournalProblem | undefined {
    let beyond = 0;
    for (const seq of this.#copy.entries.keys()) if (seq > lastSeq) beyond = Math.max(beyond, seq);
    if (beyond === 0) return undefined;
    return {
      seq: lastSeq + 1,
      kind: 'truncated',
      message: `entry ${lastSeq + 1} is missing: the journal ends at entry ${lastSeq} but the host's audit object holds entries up to ${beyond}, so the store's tail was removed`,
    };
  }
}
