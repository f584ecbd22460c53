/**
 * Compares the changes members made with the journal, and the journal with the host's copy, the
 * Jepsen `set-full` way (RELIABILITY.md §3): every acknowledged item found once, nothing found
 * that was never made. Pure. The matching rules: docs/internals.md "The fault suite's checker".
 */
import { auditRecordId, checkpointRecordOf } from '../audit/outbox-relay.js';
import type { Checkpoint, JournalRow } from '../store/journal-rows.js';

export const CHANGE_ACTIONS = ['created', 'updated', 'deleted', 'restored', 'destroyed'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** A change a member made through the host's API, as the driver saw it answered. */
export interface MadeChange {
  readonly object: string;
  readonly recordId: string;
  readonly action: ChangeAction;
  /** The workspace member's id. */
  readonly actor: string;
  /** When the host answered it (ISO 8601). */
  readonly at: string;
  /** The record's version after the change; a destroy's is the record's as it was destroyed. */
  readonly version: string;
  /** For updates: the fields written. */
  readonly fields?: readonly string[];
  /** Whether the host's webhook delivery of it was answered 2xx; undefined when unknown. */
  readonly delivered?: boolean;
}

/** A sweep run the driver started (or knows of), to tell superseded changes from lost ones. */
export interface SweepWindow {
  readonly startedAt: string;
  readonly endedAt: string;
}

/** A record of the host's audit object, as read back from the host. */
export interface HostAuditRecord {
  readonly id: string;
  readonly hash?: unknown;
  readonly sequence?: unknown;
  readonly action?: unknown;
}

export interface CheckInput {
  readonly changes: readonly MadeChange[];
  readonly journal: readonly JournalRow[];
  readonly checkpoints: readonly Checkpoint[];
  readonly hostRecords: readonly HostAuditRecord[];
  readonly sweeps: readonly SweepWindow[];
}

/** One item of a count, enough to find it: what, which record, who. */
export interface Finding {
  readonly object: string;
  readonly recordId: string;
  readonly action: string;
  readonly actor: string;
  readonly at: string;
  /** The journal entry's seq, for entries. */
  readonly seq?: number;
  readonly detail?: string;
}

export interface JournalComparison {
  readonly changes: number;
  readonly entries: number;
  readonly matched: number;
  readonly lost: readonly Finding[];
  readonly duplicated: readonly Finding[];
  readonly false: readonly Finding[];
  readonly superseded: readonly Finding[];
  readonly misattributed: readonly Finding[];
}

export interface HostComparison {
  readonly expected: number;
  readonly records: number;
  readonly matched: number;
  readonly lost: readonly Finding[];
  readonly duplicated: readonly Finding[];
  readonly false: readonly Finding[];
}

export interface CheckReport {
  readonly journal: JournalComparison;
  readonly host: HostComparison;
  /** Every lost, duplicated and false count is 0 (superseded and misattributed do not count). */
  readonly pass: boolean;
}

const SWEPT_REASON = 'found by the sweep';
const CHECKPOINT_ACTION = 'journal.checkpoint';

type Row = Readonly<Record<string, unknown>>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isoOf(value: unknown): string | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A record's version: its `updatedAt`, and its `deletedAt` when set; undefined when unreadable. */
export function versionOf(record: unknown): string | undefined {
  if (!isRow(record)) return undefined;
  const updated = isoOf(record.updatedAt);
  if (updated === undefined) return undefined;
  const deleted = isoOf(record.deletedAt);
  return deleted === undefined ? updated : `${updated} deleted ${deleted}`;
}

function parsed(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // Not JSON: no version to read; rule 3 can still match it.
  }
}

interface EntryView {
  readonly row: JournalRow;
  readonly object: string;
  readonly recordId: string;
  readonly action: string;
  readonly version: string | undefined;
  readonly swept: boolean;
}

function entryViewOf(row: JournalRow): EntryView | undefined {
  if (!row.action.startsWith('record.')) return undefined;
  const slash = row.target.indexOf('/');
  return {
    row,
    object: slash < 0 ? row.target : row.target.slice(0, slash),
    recordId: slash < 0 ? '' : row.target.slice(slash + 1),
    action: row.action.slice('record.'.length),
    version: versionOf(parsed(row.after)) ?? versionOf(parsed(row.before)),
    swept: (row.reason ?? '').startsWith(SWEPT_REASON),
  };
}

const changeFinding = (change: MadeChange, detail?: string): Finding => ({
  object: change.object,
  recordId: change.recordId,
  action: change.action,
  actor: change.actor,
  at: change.at,
  ...(detail === undefined ? {} : { detail }),
});

const entryFinding = (entry: EntryView, detail?: string): Finding => ({
  object: entry.object,
  recordId: entry.recordId,
  action: entry.action,
  actor: entry.row.actor,
  at: entry.row.at,
  seq: entry.row.seq,
  ...(detail === undefined ? {} : { detail }),
});

const SWEEP_SEEN_ACTIONS: ReadonlySet<string> = new Set(['created', 'updated', 'restored']);

/** Could a sweep have read the record between this change and the next one to it? */
function sweepSaw(sweeps: readonly SweepWindow[], from: string, until: string): boolean {
  const start = Date.parse(from);
  const end = Date.parse(until);
  return sweeps.some((s) => Date.parse(s.startedAt) >= start && Date.parse(s.endedAt) <= end);
}

/** The journal's record entries against the changes made; see the file's comment. */
export function compareJournal(
  changes: readonly MadeChange[],
  journal: readonly JournalRow[],
  sweeps: readonly SweepWindow[],
): JournalComparison {
  const byTarget = new Map<string, { changes: MadeChange[]; entries: EntryView[] }>();
  const slot = (object: string, recordId: string) => {
    const key = `${object}/${recordId}`;
    let found = byTarget.get(key);
    if (found === undefined) {
      found = { changes: [], entries: [] };
      byTarget.set(key, found);
    }
    return found;
  };
  for (const change of changes) slot(change.object, change.recordId).changes.push(change);
  const entries = journal
    .map(entryViewOf)
    .filter((e): e is EntryView => e !== undefined)
    .toSorted((a, b) => a.row.seq - b.row.seq);
  for (const entry of entries) slot(entry.object, entry.recordId).entries.push(entry);

  let matched = 0;
  const lost: Finding[] = [];
  const duplicated: Finding[] = [];
  const falseEntries: Finding[] = [];
  const superseded: Finding[] = [];
  const misattributed: Finding[] = [];
  for (const target of byTarget.values()) {
    const list = target.changes.toSorted((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const matchedBy = new Map<MadeChange, EntryView>();
    const rules: ((change: MadeChange, entry: EntryView) => boolean)[] = [
      (c, e) => c.action === e.action && e.version !== undefined && c.version === e.version,
      (c, e) =>
        e.swept &&
        (e.action === 'created' || e.action === 'updated') &&
        SWEEP_SEEN_ACTIONS.has(c.action) &&
        e.version !== undefined &&
        c.version === e.version,
      (c, e) => c.action === e.action && (e.version === undefined || c.version === ''),
    ];
    const left = new Set(target.entries);
    for (const rule of rules) {
      for (const entry of target.entries) {
        if (!left.has(entry)) continue;
        const fits = list.filter((c) => rule(c, entry));
        if (fits.length === 0) continue;
        left.delete(entry);
        // The latest fitting change the sweep could have read; a webhook's entry, the first.
        const free = fits.filter((c) => !matchedBy.has(c));
        const change = free.length === 0 ? undefined : entry.swept ? free.at(-1) : free[0];
        if (change === undefined) {
          duplicated.push(entryFinding(entry, `again for the change at ${fits[0]?.at ?? '?'}`));
          continue;
        }
        matchedBy.set(change, entry);
        matched++;
        if (entry.row.actor !== change.actor)
          misattributed.push(entryFinding(entry, `made by ${change.actor}`));
      }
    }
    for (const entry of left)
      falseEntries.push(
        entryFinding(
          entry,
          list.length === 0
            ? 'no change was made to this record'
            : 'no change made has this version',
        ),
      );
    /** Whether a change left no trace: unmatched, its webhook lost. */
    const unseen = (change: MadeChange | undefined): change is MadeChange =>
      change !== undefined && !matchedBy.has(change) && change.delivered !== true;
    list.forEach((change, i) => {
      if (matchedBy.has(change)) return;
      const next = list[i + 1];
      const previous = list[i - 1];
      const first = list[0];
      const overwritten =
        change.delivered !== true && next !== undefined && !sweepSaw(sweeps, change.at, next.at);
      // A restore that undoes a deletion no one saw leaves the record as it was seen before.
      const undoesUnseen =
        change.delivered !== true &&
        change.action === 'restored' &&
        previous?.action === 'deleted' &&
        unseen(previous) &&
        !sweepSaw(sweeps, previous.at, change.at);
      // A destroy of a record made in the stream that no webhook or sweep ever showed.
      const destroysUnseen =
        change.delivered !== true &&
        change.action === 'destroyed' &&
        first?.action === 'created' &&
        list.slice(0, i).every(unseen) &&
        !sweepSaw(sweeps, first.at, change.at);
      if (overwritten)
        superseded.push(changeFinding(change, `overwritten by ${next.action} at ${next.at}`));
      else if (undoesUnseen)
        superseded.push(changeFinding(change, `undoes the deletion at ${previous.at}, never seen`));
      else if (destroysUnseen)
        superseded.push(changeFinding(change, 'destroys a record no webhook or sweep ever showed'));
      else
        lost.push(
          changeFinding(
            change,
            change.delivered === true
              ? 'its webhook was answered 2xx'
              : 'its webhook did not arrive',
          ),
        );
    });
  }
  return {
    changes: changes.length,
    entries: entries.length,
    matched,
    lost,
    duplicated,
    false: falseEntries,
    superseded,
    misattributed,
  };
}

const str = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** The host's audit records against the journal and its checkpoints; see the file's comment. */
export function compareHost(
  journal: readonly JournalRow[],
  checkpoints: readonly Checkpoint[],
  hostRecords: readonly HostAuditRecord[],
): HostComparison {
  const records = new Map(hostRecords.map((r) => [r.id, r]));
  const byHash = new Map<string, HostAuditRecord[]>();
  // A checkpoint's record carries the hash of the entry it vouches for: not a second copy.
  for (const record of hostRecords.filter((r) => r.action !== CHECKPOINT_ACTION)) {
    const hash = str(record.hash);
    byHash.set(hash, [...(byHash.get(hash) ?? []), record]);
  }
  const expected = new Set<string>();
  let matched = 0;
  const lost: Finding[] = [];
  const duplicated: Finding[] = [];
  const rowFinding = (row: JournalRow, detail: string): Finding => {
    const slash = row.target.indexOf('/');
    return {
      object: slash < 0 ? row.target : row.target.slice(0, slash),
      recordId: slash < 0 ? '' : row.target.slice(slash + 1),
      action: row.action,
      actor: row.actor,
      at: row.at,
      seq: row.seq,
      detail,
    };
  };
  for (const row of journal) {
    const id = auditRecordId(row.hash);
    expected.add(id);
    const record = records.get(id);
    if (record === undefined || str(record.hash) !== row.hash)
      lost.push(rowFinding(row, record === undefined ? 'not on the host' : 'another hash there'));
    else matched++;
    const copies = byHash.get(row.hash) ?? [];
    if (copies.length > 1)
      duplicated.push(rowFinding(row, `${copies.length} host records carry its hash`));
  }
  for (const checkpoint of checkpoints) {
    const id = checkpointRecordOf(checkpoint).id;
    expected.add(id);
    if (records.has(id)) matched++;
    else
      lost.push({
        object: 'journal',
        recordId: `checkpoint ${checkpoint.seq}`,
        action: CHECKPOINT_ACTION,
        actor: 'tiergate',
        at: checkpoint.at,
        detail: 'not on the host',
      });
  }
  const falseRecords = hostRecords
    .filter((r) => !expected.has(r.id))
    .map((r): Finding => ({
      object: 'tiergateAuditEntry',
      recordId: r.id,
      action: str(r.action),
      actor: '',
      at: '',
      detail: `sequence ${str(r.sequence)}: no journal entry or checkpoint has this record`,
    }));
  return {
    expected: expected.size,
    records: hostRecords.length,
    matched,
    lost,
    duplicated,
    false: falseRecords,
  };
}

export function check(input: CheckInput): CheckReport {
  const journal = compareJournal(input.changes, input.journal, input.sweeps);
  const host = compareHost(input.journal, input.checkpoints, input.hostRecords);
  const counts = [
    journal.lost,
    journal.duplicated,
    journal.false,
    host.lost,
    host.duplicated,
    host.false,
  ];
  return { journal, host, pass: counts.every((list) => list.length === 0) };
}
