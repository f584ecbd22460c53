/**
 * The fault suite's checker, from one clean run (three changes, each journaled once and on the
 * host) changing one thing per test.
 */
import { describe, expect, it } from 'vitest';
import { chainEntries } from '../audit/journal.js';
import { auditRecordId, checkpointRecordOf } from '../audit/outbox-relay.js';
import type { Checkpoint, JournalRow } from '../store/journal-rows.js';
import {
  check,
  compareHost,
  compareJournal,
  type HostAuditRecord,
  type MadeChange,
} from './checker.js';
import { formatReport } from './report.js';

const T = (s: number): string => new Date(Date.UTC(2026, 11, 1, 9, 0, s)).toISOString();

const change = (
  action: MadeChange['action'],
  s: number,
  extra: Partial<MadeChange> = {},
): MadeChange => ({
  object: 'company',
  recordId: 'c-1',
  action,
  actor: 'm-ann',
  at: T(s),
  version: T(s),
  delivered: true,
  ...extra,
});

interface Draft {
  readonly action: string;
  readonly version?: string;
  readonly deletedAt?: string;
  readonly target?: string;
  readonly actor?: string;
  readonly swept?: boolean;
}

function journalOf(drafts: readonly Draft[]): JournalRow[] {
  return chainEntries(
    undefined,
    drafts.map((d) => ({
      actor: d.actor ?? 'm-ann',
      action: d.action,
      target: d.target ?? 'company/c-1',
      before: null,
      after:
        d.version === undefined
          ? null
          : { updatedAt: d.version, ...(d.deletedAt ? { deletedAt: d.deletedAt } : {}) },
      reason: d.swept === true ? 'found by the sweep (its webhook never arrived)' : null,
    })),
    new Date(T(50)),
  );
}

const CHANGES = [change('created', 1), change('updated', 2), change('updated', 3)];
const JOURNAL = journalOf([
  { action: 'record.created', version: T(1) },
  { action: 'record.updated', version: T(2) },
  { action: 'record.updated', version: T(3) },
]);
const hostCopy = (rows: readonly JournalRow[]): HostAuditRecord[] =>
  rows.map((r) => ({ id: auditRecordId(r.hash), hash: r.hash, sequence: r.seq, action: r.action }));

const counts = (c: ReturnType<typeof compareJournal>) => ({
  matched: c.matched,
  lost: c.lost.length,
  duplicated: c.duplicated.length,
  false: c.false.length,
  superseded: c.superseded.length,
});

describe('compareJournal', () => {
  it('passes a journal with one entry per change', () => {
    expect(counts(compareJournal(CHANGES, JOURNAL, []))).toEqual({
      matched: 3,
      lost: 0,
      duplicated: 0,
      false: 0,
      superseded: 0,
    });
  });

  it('counts a change with no entry as lost, naming it', () => {
    const result = compareJournal([...CHANGES, change('destroyed', 3, { at: T(4) })], JOURNAL, []);
    expect(counts(result)).toMatchObject({ matched: 3, lost: 1 });
    expect(result.lost[0]).toMatchObject({ action: 'destroyed', recordId: 'c-1', actor: 'm-ann' });
  });

  it('counts a second entry for the same change as duplicated', () => {
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(2) },
      { action: 'record.updated', version: T(3) },
      { action: 'record.updated', version: T(3), swept: true },
    ]);
    expect(counts(compareJournal(CHANGES, journal, []))).toMatchObject({
      matched: 3,
      duplicated: 1,
    });
  });

  it('counts entries for records nobody changed and versions nobody wrote as false', () => {
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(2) },
      { action: 'record.updated', version: T(3) },
      // Tiergate's own write of a helper field, and its own audit object.
      { action: 'record.updated', version: T(9), actor: 'api_key' },
      { action: 'record.created', version: T(9), target: 'tiergateAuditEntry/a-1' },
    ]);
    const result = compareJournal(CHANGES, journal, []);
    expect(counts(result)).toMatchObject({ matched: 3, false: 2, lost: 0 });
    expect(result.false.map((f) => f.object)).toEqual(['company', 'tiergateAuditEntry']);
  });

  it('reports an update overwritten before any sweep, whose webhook was lost, as superseded', () => {
    const changes = [
      change('created', 1),
      change('updated', 2, { delivered: false }),
      change('updated', 3),
    ];
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(3) },
    ]);
    expect(counts(compareJournal(changes, journal, []))).toMatchObject({ lost: 0, superseded: 1 });
  });

  it('counts that update as lost when a sweep could have read it, or its webhook was answered', () => {
    const changes = [
      change('created', 1),
      change('updated', 2, { delivered: false }),
      change('updated', 5),
    ];
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(5) },
    ]);
    const sweep = { startedAt: T(3), endedAt: T(4) };
    expect(counts(compareJournal(changes, journal, [sweep]))).toMatchObject({
      lost: 1,
      superseded: 0,
    });
    const answered = changes.map((c) => ({ ...c, delivered: true }));
    expect(counts(compareJournal(answered, journal, []))).toMatchObject({ lost: 1, superseded: 0 });
  });

  it('reports a restore undoing a deletion no one saw, and a destroy of a record no one saw, as superseded', () => {
    // Created, updated and journaled; then deleted and restored with both webhooks lost.
    const undone = [
      ...CHANGES,
      change('deleted', 4, { delivered: false, version: `${T(3)} deleted ${T(4)}` }),
      change('restored', 5, { delivered: false, version: T(3) }),
    ];
    expect(counts(compareJournal(undone, JOURNAL, []))).toMatchObject({ lost: 0, superseded: 2 });
    // With a sweep between them the deletion could be seen: both are lost.
    const sweep = [{ startedAt: T(4), endedAt: T(4) }];
    expect(counts(compareJournal(undone, JOURNAL, sweep))).toMatchObject({ lost: 2 });
    // A record created and destroyed with every webhook lost.
    const unseen = [
      change('created', 1, { recordId: 'c-2', delivered: false }),
      change('destroyed', 2, { recordId: 'c-2', delivered: false }),
    ];
    expect(counts(compareJournal(unseen, [], []))).toMatchObject({ lost: 0, superseded: 2 });
    // Once its creation was journaled, its destroy is to be found: lost when it is not.
    const seen = [
      change('created', 1, { recordId: 'c-2' }),
      change('destroyed', 2, { recordId: 'c-2', delivered: false }),
    ];
    const created = journalOf([{ action: 'record.created', version: T(1), target: 'company/c-2' }]);
    expect(counts(compareJournal(seen, created, []))).toMatchObject({ lost: 1 });
  });

  it('never counts the last change to a record as superseded', () => {
    const changes = [change('created', 1), change('destroyed', 1, { at: T(2), delivered: false })];
    const journal = journalOf([{ action: 'record.created', version: T(1) }]);
    expect(counts(compareJournal(changes, journal, []))).toMatchObject({ lost: 1, superseded: 0 });
  });

  it('matches a swept update entry to a restore of that version (a sweep reads state, not actions)', () => {
    const deleted = `${T(1)} deleted ${T(2)}`;
    const changes = [
      change('created', 1),
      change('deleted', 2, { version: deleted }),
      change('restored', 3, { version: T(1), delivered: false }),
    ];
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.deleted', version: T(1), deletedAt: T(2) },
      { action: 'record.updated', version: T(1), swept: true },
    ]);
    expect(counts(compareJournal(changes, journal, []))).toEqual({
      matched: 3,
      lost: 0,
      duplicated: 0,
      false: 0,
      superseded: 0,
    });
  });

  it('ignores violation entries, which judge a change rather than record one', () => {
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'violation.scope' },
      { action: 'record.updated', version: T(2) },
      { action: 'record.updated', version: T(3) },
    ]);
    expect(counts(compareJournal(CHANGES, journal, []))).toMatchObject({ matched: 3, false: 0 });
  });

  it('counts an entry naming another member as misattributed, not as a failure', () => {
    const journal = journalOf([
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(2), actor: 'm-bob' },
      { action: 'record.updated', version: T(3) },
    ]);
    const result = compareJournal(CHANGES, journal, []);
    expect(result.misattributed).toHaveLength(1);
    expect(counts(result)).toMatchObject({ matched: 3, lost: 0, false: 0 });
  });
});

describe('compareHost', () => {
  const checkpoint: Checkpoint = {
    seq: 3,
    hash: JOURNAL[2]?.hash ?? '',
    at: T(51),
    keyId: 'k-1',
    signature: 'c2ln',
  };
  const withCheckpoint = [
    ...hostCopy(JOURNAL),
    { id: checkpointRecordOf(checkpoint).id, hash: checkpoint.hash, action: 'journal.checkpoint' },
  ];

  it('passes a host holding each entry and checkpoint once', () => {
    const result = compareHost(JOURNAL, [checkpoint], withCheckpoint);
    expect([
      result.matched,
      result.lost.length,
      result.duplicated.length,
      result.false.length,
    ]).toEqual([4, 0, 0, 0]);
  });

  it('counts entries and checkpoints the host lacks as lost', () => {
    const result = compareHost(JOURNAL, [checkpoint], hostCopy(JOURNAL).slice(1));
    expect(result.lost.map((f) => f.action)).toEqual(['record.created', 'journal.checkpoint']);
  });

  it('counts a hash on two host records as duplicated and a record of no entry as false', () => {
    const first = hostCopy(JOURNAL)[0] as HostAuditRecord;
    const records = [...withCheckpoint, { ...first, id: '00000000-0000-8000-8000-000000000001' }];
    const result = compareHost(JOURNAL, [checkpoint], records);
    expect(result.duplicated).toHaveLength(1);
    expect(result.false).toHaveLength(1);
    expect(result.lost).toHaveLength(0);
  });
});

describe('check', () => {
  it('fails on any lost, duplicated or false count and prints the first items with names', () => {
    const clean = check({
      changes: CHANGES,
      journal: JOURNAL,
      checkpoints: [],
      hostRecords: hostCopy(JOURNAL),
      sweeps: [],
    });
    expect(clean.pass).toBe(true);
    const broken = check({
      changes: [...CHANGES, change('destroyed', 3, { at: T(4) })],
      journal: JOURNAL,
      checkpoints: [],
      hostRecords: hostCopy(JOURNAL),
      sweeps: [],
    });
    expect(broken.pass).toBe(false);
    const text = formatReport(broken, new Map([['m-ann', 'Ann Lee']]));
    expect(text).toContain('journal lost: 1 (destroyed company 1)');
    expect(text).toContain('destroyed company/c-1 by Ann Lee');
    expect(text).toMatch(/FAIL/);
  });

  it('prints one item of each kind first, so a rare kind is not hidden behind a common one', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      action: 'record.created',
      version: T(10 + i),
      target: `tiergateAuditEntry/a-${i}`,
    }));
    const journal = journalOf([
      ...many,
      { action: 'record.created', version: T(1) },
      { action: 'record.updated', version: T(2) },
      { action: 'record.updated', version: T(3) },
      { action: 'record.updated', version: T(9) },
      { action: 'record.deleted', version: T(9), target: 'person/p-1' },
    ]);
    const report = check({
      changes: CHANGES,
      journal,
      checkpoints: [],
      hostRecords: hostCopy(journal),
      sweeps: [],
    });
    const text = formatReport(report, new Map());
    expect(text).toContain('journal false: 10 (');
    expect(text).toContain('created tiergateAuditEntry 8');
    expect(text).toMatch(/updated company\/c-1 by m-ann .*no change made has this version/);
    expect(text).toMatch(/deleted person\/p-1 by m-ann .*no change was made to this record/);
  });
});
