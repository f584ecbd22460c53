/**
 * The journal in the store, on PGlite and on PostgreSQL (see `store.test-support.ts`): appends
 * chain across calls and stores, each entry commits with its outbox row or not at all, signed
 * checkpoints land in the table and in the file, and `verify()` names the entry where the table
 * was tampered with through SQL, including the tampering a chain alone cannot see (a tail
 * rewritten with recomputed hashes, a tail cut off), which the file's checkpoints catch.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appendJournalRows,
  lastCheckpoint,
  lastJournalRow,
  readJournalRows,
} from '../store/journal-rows.js';
import { findOutboxEntry } from '../store/outbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { readCheckpoints, type Checkpoint } from './checkpoint.js';
import { hostCopyOf } from './host-copy.js';
import { chainEntries, type JournalDraft } from './journal.js';
import { Journal, type JournalReport } from './journal-store.js';
import { KeyRing } from './key-ring.js';
import { auditRecordOf, checkpointRecordOf, type AuditRecord } from './outbox-relay.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const draft = (n: number): JournalDraft => ({
  actor: 'm-alice',
  action: 'policy.apply',
  target: `role:sales-rep#${n}`,
  before: n % 3 === 0 ? null : { tier: 'junior', n },
  after: { tier: 'senior', fields: { amount: 'read' }, n },
  reason: n % 2 === 0 ? 'quarterly review' : null,
});

const problemOf = (report: JournalReport) =>
  report.ok ? undefined : { seq: report.problem.seq, kind: report.problem.kind };

describe.each(storeBackends())('the journal on $name', (backend) => {
  let store: Store;
  let other: Store;
  let dir: string;
  let clock: number;
  const ring = KeyRing.generate(new Date(T0));

  /** A journal with a manual clock (one second per call) and a checkpoint every 3 entries. */
  const journalOn = (on: Store, everyEntries = 3): Journal =>
    new Journal(on, ring, {
      cwd: dir,
      checkpointPolicy: { everyEntries, everyMs: 3_600_000 },
      now: () => new Date((clock += 1000)),
    });

  /** Appends `count` entries one call at a time. */
  async function appendEach(journal: Journal, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await journal.append([draft(i + 1)]);
  }

  const tableCheckpoints = async (): Promise<number[]> =>
    (
      await sql<{
        seq: number;
      }>`select seq from tiergate_audit_checkpoint order by seq`.execute(store.db)
    ).rows.map((r) => r.seq);

  /** Deletes journal rows (and their outbox rows) from `seq` on, or just the one. */
  async function deleteRows(from: number, only = false): Promise<void> {
    const op = only ? sql`=` : sql`>=`;
    await sql`delete from tiergate_audit_outbox where journal_seq ${op} ${from}`.execute(store.db);
    await sql`delete from tiergate_audit_journal where seq ${op} ${from}`.execute(store.db);
  }

  beforeAll(async () => {
    ({ store, other } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    await emptyStore(store);
    dir = await mkdtemp(join(tmpdir(), 'tiergate-journal-'));
    clock = T0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('append', () => {
    it('chains entries across calls and across stores over the same data', async () => {
      const first = await journalOn(store).append([draft(1), draft(2)]);
      expect(first.map((e) => e.seq)).toEqual([1, 2]);
      expect(first[0]?.prevHash).toBe('0'.repeat(64));
      expect(first[1]?.prevHash).toBe(first[0]?.hash);

      // A new Journal over a second store (its own connections on PostgreSQL) reads the head.
      const second = await journalOn(other).append([draft(3)]);
      expect(second.map((e) => [e.seq, e.prevHash])).toEqual([[3, first[1]?.hash]]);
      const third = await journalOn(store).append([draft(4)]);
      expect(third[0]?.prevHash).toBe(second[0]?.hash);

      const stored = await readJournalRows(store.db, 1, 10);
      expect(stored).toEqual([...first, ...second, ...third]);
      expect(await journalOn(store).verify()).toMatchObject({ ok: true, entries: 4, lastSeq: 4 });
    });

    it('gives every entry its pending outbox row, written with it', async () => {
      const entries = await journalOn(store).append([draft(1), draft(2), draft(3)]);
      for (const entry of entries)
        expect(await findOutboxEntry(store.db, entry.seq)).toMatchObject({
          journalSeq: entry.seq,
          status: 'pending',
          attempts: 0,
        });
    });

    it("commits with the caller's transaction, and a failed transaction leaves neither entry nor outbox row", async () => {
      const journal = journalOn(store);
      await journal.append([draft(1)]);
      await expect(
        store.transaction(async (trx) => {
          const entries = await journal.append([draft(2), draft(3)], { trx });
          expect(entries.map((e) => e.seq)).toEqual([2, 3]);
          throw new Error('the apply failed after journaling');
        }),
      ).rejects.toThrow('the apply failed after journaling');
      expect((await lastJournalRow(store.db))?.seq).toBe(1);
      expect(await findOutboxEntry(store.db, 2)).toBeUndefined();
      const count = await sql<{
        n: number;
      }>`select count(*)::int as n from tiergate_audit_outbox`.execute(store.db);
      expect(count.rows[0]?.n).toBe(1);

      const committed = await store.transaction((trx) => journal.append([draft(4)], { trx }));
      expect(committed.map((e) => e.seq)).toEqual([2]);
      expect(await findOutboxEntry(store.db, 2)).toMatchObject({ status: 'pending' });
    });

    it('refuses a draft whose value is not JSON, naming the entry, and writes nothing', async () => {
      const journal = journalOn(store);
      await journal.append([draft(1)]);
      await expect(
        journal.append([draft(2), { ...draft(3), after: { amount: Number.NaN } }]),
      ).rejects.toThrow('entry 3: after at $.amount: NaN is not JSON');
      expect((await lastJournalRow(store.db))?.seq).toBe(1);
    });

    it('gives two stores appending concurrently one unbroken chain, with no gap or repeated seq', async () => {
      const a = journalOn(store, 10);
      const b = journalOn(other, 10);
      const run = async (journal: Journal, who: string): Promise<number[]> => {
        const seqs: number[] = [];
        for (let i = 0; i < 20; i++) {
          const entries = await journal.append([
            { ...draft(i), actor: who },
            { ...draft(i + 100), actor: who },
          ]);
          seqs.push(...entries.map((e) => e.seq));
        }
        return seqs;
      };
      const [fromA, fromB] = await Promise.all([run(a, 'a'), run(b, 'b')]);
      const all = [...fromA, ...fromB].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(await a.verify()).toMatchObject({ ok: true, entries: 80, lastSeq: 80 });
      const checkpoints = await readCheckpoints(a.checkpointPath);
      expect(checkpoints.map((c) => c.seq)).toEqual(await tableCheckpoints());
      expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('checkpoints', () => {
    it('signs one for the first entry, then every N entries, into the table and the file alike', async () => {
      const journal = journalOn(store, 3);
      await appendEach(journal, 10);
      expect(await tableCheckpoints()).toEqual([1, 4, 7, 10]);
      const inFile = await readCheckpoints(journal.checkpointPath);
      expect(inFile.map((c) => c.seq)).toEqual([1, 4, 7, 10]);
      expect(await lastCheckpoint(store.db)).toEqual(inFile.at(-1));
      const row = (await readJournalRows(store.db, 7, 1))[0];
      expect(inFile[2]).toMatchObject({ seq: 7, hash: row?.hash, keyId: ring.activeKeyId });
    });

    it('counts entries, not calls: an append of several entries may pass a checkpoint', async () => {
      const journal = journalOn(store, 3);
      await journal.append([draft(1)]);
      await journal.append([draft(2), draft(3)]);
      expect(await tableCheckpoints()).toEqual([1]);
      await journal.append([draft(4), draft(5), draft(6), draft(7), draft(8)]);
      expect(await tableCheckpoints()).toEqual([1, 8]);
    });

    it('signs one when M milliseconds have passed since the last, however few entries came', async () => {
      const journal = new Journal(store, ring, {
        cwd: dir,
        checkpointPolicy: { everyEntries: 1000, everyMs: 60_000 },
        now: () => new Date(clock),
      });
      await journal.append([draft(1)]);
      clock += 59_999;
      await journal.append([draft(2)]);
      expect(await tableCheckpoints()).toEqual([1]);
      clock += 1;
      await journal.append([draft(3)]);
      expect(await tableCheckpoints()).toEqual([1, 3]);
    });

    it("waits for the caller's commit: checkpointIfDue after it signs the committed head", async () => {
      const journal = journalOn(store, 3);
      await store.transaction((trx) => journal.append([draft(1), draft(2)], { trx }));
      expect(await tableCheckpoints()).toEqual([]);
      const checkpoint = await journal.checkpointIfDue();
      expect(checkpoint?.seq).toBe(2);
      expect(await journal.checkpointIfDue()).toBeUndefined();
      expect(await readCheckpoints(journal.checkpointPath)).toEqual([checkpoint]);
    });

    it('checkpointNow signs the head at once, and nothing for an empty or checkpointed head', async () => {
      const journal = journalOn(store, 1000);
      expect(await journal.checkpointNow()).toBeUndefined();
      await appendEach(journal, 3);
      expect(await tableCheckpoints()).toEqual([1]);
      expect((await journal.checkpointNow())?.seq).toBe(3);
      expect(await journal.checkpointNow()).toBeUndefined();
      expect(await tableCheckpoints()).toEqual([1, 3]);
    });
  });

  describe('verify', () => {
    /** Ten entries, checkpoints at 1, 4, 7 and 10. */
    async function tenEntries(): Promise<Journal> {
      const journal = journalOn(store, 3);
      await appendEach(journal, 10);
      return journal;
    }

    it('passes an intact journal and says what vouches for it', async () => {
      const journal = await tenEntries();
      await journal.append([draft(11)]);
      const report = await journal.verify();
      expect(report).toMatchObject({
        ok: true,
        entries: 11,
        lastSeq: 11,
        checkpointsChecked: 4,
        lastCheckpointSeq: 10,
        tableCheckpoints: 4,
        checkpointFile: journal.checkpointPath,
      });
      expect(report.ok && report.lastHash).toBe((await lastJournalRow(store.db))?.hash);
    });

    it('passes while another store keeps appending and checkpointing', async () => {
      const writer = journalOn(other, 2);
      const reader = journalOn(store, 2);
      const reports: JournalReport[] = [];
      await Promise.all([
        appendEach(writer, 30),
        (async () => {
          for (let i = 0; i < 10; i++) reports.push(await reader.verify());
        })(),
      ]);
      expect(reports.filter((r) => !r.ok)).toEqual([]);
      expect(await reader.verify()).toMatchObject({ ok: true, entries: 30 });
    });

    it('passes an empty journal', async () => {
      expect(await journalOn(store).verify()).toMatchObject({ ok: true, entries: 0, lastSeq: 0 });
    });

    it('names the entry whose field was changed by an UPDATE', async () => {
      const journal = await tenEntries();
      await sql`update tiergate_audit_journal set target = 'role:director' where seq = 5`.execute(
        store.db,
      );
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 5, kind: 'hash-mismatch' });
      expect(report).toMatchObject({ entries: 4 });
    });

    it('names the entry whose after text was re-serialised with other key order', async () => {
      const journal = await tenEntries();
      await sql`update tiergate_audit_journal set after = '{"n":6,"tier":"senior","fields":{"amount":"read"}}' where seq = 6`.execute(
        store.db,
      );
      expect(problemOf(await journal.verify())).toEqual({ seq: 6, kind: 'not-canonical' });
    });

    it('names a deleted row as the missing seq', async () => {
      const journal = await tenEntries();
      await deleteRows(5, true);
      expect(problemOf(await journal.verify())).toEqual({ seq: 5, kind: 'seq-gap' });
    });

    it('catches a tail rewritten with recomputed hashes and links at the first file checkpoint after it', async () => {
      const journal = await tenEntries();
      await deleteRows(5);
      // Whoever rewrites the table recomputes a perfect chain from entry 4, and checkpoints too.
      const head = await lastJournalRow(store.db);
      const forged = chainEntries(
        head,
        [5, 6, 7, 8, 9, 10].map((n) => ({ ...draft(n), actor: 'm-mallory' })),
        new Date(T0 + 5000),
      );
      await appendJournalRows(store.db, forged, { outbox: true });
      await sql`delete from tiergate_audit_checkpoint where seq > 4`.execute(store.db);
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 7, kind: 'checkpoint-mismatch' });
      expect(!report.ok && report.problem.message).toContain(
        'rewritten after entry 4, the last checkpoint that matches',
      );
    });

    it('catches a truncated tail through the file checkpoint beyond it', async () => {
      const journal = await tenEntries();
      await deleteRows(9);
      await sql`delete from tiergate_audit_checkpoint where seq > 8`.execute(store.db);
      expect(problemOf(await journal.verify())).toEqual({ seq: 9, kind: 'truncated' });
    });

    it('reports a checkpoint file edited by hand: its signature no longer verifies', async () => {
      const journal = await tenEntries();
      const text = await readFile(journal.checkpointPath, 'utf8');
      const lines = text.trimEnd().split('\n');
      const edited = JSON.parse(lines[1] as string) as Checkpoint;
      lines[1] = JSON.stringify({ ...edited, at: '2026-03-01T13:00:00.000Z' });
      await writeFile(journal.checkpointPath, `${lines.join('\n')}\n`);
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 4, kind: 'checkpoint-signature' });
      expect(!report.ok && report.problem.message).toContain('signature does not verify');
    });

    it('reports a line of the checkpoint file that is not JSON, with its line number', async () => {
      const journal = await tenEntries();
      await writeFile(journal.checkpointPath, '{"seq":1,\n', { flag: 'a' });
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 0, kind: 'checkpoint-file' });
      expect(!report.ok && report.problem.message).toContain(`${journal.checkpointPath} line 5`);
    });

    it('reports a store checkpoint cut out of the file, which still holds later ones', async () => {
      const journal = await tenEntries();
      const lines = (await readFile(journal.checkpointPath, 'utf8')).trimEnd().split('\n');
      await writeFile(journal.checkpointPath, `${lines.filter((_, i) => i !== 1).join('\n')}\n`);
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 4, kind: 'checkpoint-not-in-file' });
      expect(!report.ok && report.problem.message).toContain('deleted from the file');
    });

    it('counts store checkpoints newer than the file as not copied yet, and still checks them', async () => {
      const journal = await tenEntries();
      await rm(journal.checkpointPath);
      expect(await journal.verify()).toMatchObject({
        ok: true,
        checkpointsChecked: 4,
        notYetInFile: 4,
      });
      await deleteRows(9);
      expect(problemOf(await journal.verify())).toEqual({ seq: 9, kind: 'truncated' });
    });

    it('reports a checkpoint deleted from the store only, through the file', async () => {
      const journal = await tenEntries();
      await sql`delete from tiergate_audit_checkpoint where seq = 4`.execute(store.db);
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 4, kind: 'checkpoint-not-in-store' });
      expect(!report.ok && report.problem.message).toContain(journal.checkpointPath);
    });

    it('reports a store checkpoint re-dated: its signature no longer verifies', async () => {
      const journal = await tenEntries();
      await sql`update tiergate_audit_checkpoint set at = ${'2026-03-01T13:00:00.000Z'} where seq = 7`.execute(
        store.db,
      );
      expect(problemOf(await journal.verify())).toEqual({ seq: 7, kind: 'checkpoint-signature' });
    });

    it('reports a row that does not decode as an unreadable store, naming the last good entry', async () => {
      const journal = await tenEntries();
      // A seq past 2^53 cannot be read back as a number: the row fails to decode.
      await sql`insert into tiergate_audit_journal (seq, at, actor, action, target, before, after, reason, prev_hash, hash)
        select 9007199254740993, at, actor, action, target, before, after, reason, prev_hash, ${'f'.repeat(64)}
        from tiergate_audit_journal where seq = 10`.execute(store.db);
      const report = await journal.verify();
      expect(problemOf(report)).toEqual({ seq: 11, kind: 'store-unreadable' });
      expect(report).toMatchObject({ entries: 10 });
      expect(!report.ok && report.problem.message).toContain('after entry 10, the last good entry');
    });
  });

  describe("verify against the host's copy", () => {
    /** Ten entries, all relayed to the host with their checkpoints, as the relay marks them. */
    async function relayed(): Promise<{ journal: Journal; records: AuditRecord[] }> {
      const journal = journalOn(store, 3);
      await appendEach(journal, 10);
      await sql`update tiergate_audit_outbox set status = 'delivered', delivered_at = now()`.execute(
        store.db,
      );
      await sql`update tiergate_audit_checkpoint set mirrored_at = now()`.execute(store.db);
      return { journal, records: await hostRecords() };
    }

    /** What the relay would have put into the host for the store as it is now. */
    async function hostRecords(): Promise<AuditRecord[]> {
      const rows = await readJournalRows(store.db, 1, 1000);
      const checkpoints =
        await sql<Checkpoint>`select seq::int as seq, hash, at, key_id as "keyId", signature
        from tiergate_audit_checkpoint order by seq`.execute(store.db);
      return [
        ...rows.map((row) => auditRecordOf(row)),
        ...checkpoints.rows.map((c) => checkpointRecordOf(c)),
      ];
    }

    const verifyWith = (journal: Journal, records: readonly AuditRecord[]) =>
      journal.verify({ host: hostCopyOf(records) });

    const isCheckpoint = (r: AuditRecord): boolean => r.action === 'journal.checkpoint';

    it('passes when the host holds every entry and checkpoint the store says it delivered', async () => {
      const { journal, records } = await relayed();
      expect(await verifyWith(journal, records)).toMatchObject({
        ok: true,
        entries: 10,
        host: { compared: true, entries: 10, checkpoints: 4 },
      });
    });

    it('says plainly that the host was not compared when no copy was read', async () => {
      const { journal } = await relayed();
      expect(await journal.verify({ hostSkipped: 'the host is unreachable' })).toMatchObject({
        ok: true,
        host: { compared: false, reason: 'the host is unreachable' },
      });
    });

    it("catches a tail cut in the store, with its checkpoints, and the file gone, through the host's checkpoints", async () => {
      const { journal, records } = await relayed();
      await rm(journal.checkpointPath);
      await deleteRows(9);
      await sql`delete from tiergate_audit_checkpoint where seq > 8`.execute(store.db);
      // The entry records beyond the cut are gone from the host too; its checkpoint of 10 is not.
      const host = records.filter((r) => isCheckpoint(r) || Number(r.sequence) <= 8);
      const report = await verifyWith(journal, host);
      expect(problemOf(report)).toEqual({ seq: 9, kind: 'truncated' });
      expect(!report.ok && report.problem.message).toContain('a signed checkpoint');
    });

    it('reports a checkpoint record on the host that holds no checkpoint, naming the host', async () => {
      const { journal, records } = await relayed();
      const emptied = records.map((r) =>
        isCheckpoint(r) && r.sequence === 4 ? { ...r, after: null } : r,
      );
      const report = await verifyWith(journal, emptied);
      expect(problemOf(report)).toEqual({ seq: 0, kind: 'checkpoint-malformed' });
      expect(!report.ok && report.problem.message).toBe(
        "a checkpoint in the host's audit object: a checkpoint must be an object, not null",
      );
    });

    it('reports a forged checkpoint record on the host as forged', async () => {
      const { journal, records } = await relayed();
      const forged = records.map((r) =>
        isCheckpoint(r) && r.sequence === 4
          ? { ...r, after: { ...(r.after as Checkpoint), at: '2026-03-02T00:00:00.000Z' } }
          : r,
      );
      expect(problemOf(await verifyWith(journal, forged))).toEqual({
        seq: 4,
        kind: 'checkpoint-signature',
      });
    });

    it('catches a tail cut below any checkpoint through the entries the host holds', async () => {
      const { journal, records } = await relayed();
      await deleteRows(11);
      await journal.append([draft(11), draft(12)]);
      await sql`update tiergate_audit_outbox set status = 'delivered'`.execute(store.db);
      const host = await hostRecords();
      await deleteRows(11);
      const report = await verifyWith(journal, host);
      expect(problemOf(report)).toEqual({ seq: 11, kind: 'truncated' });
      expect(!report.ok && report.problem.message).toContain(
        "host's audit object holds entries up to 12",
      );
      expect(records.length).toBeGreaterThan(0);
    });

    it('catches a tail rewritten with recomputed hashes, and its checkpoints with it, through the host', async () => {
      const { journal, records } = await relayed();
      await rm(journal.checkpointPath);
      await deleteRows(9);
      await sql`delete from tiergate_audit_checkpoint where seq > 8`.execute(store.db);
      const head = await lastJournalRow(store.db);
      const forged = chainEntries(
        head,
        [9, 10].map((n) => ({ ...draft(n), actor: 'm-mallory' })),
        new Date(T0 + 5000),
      );
      await appendJournalRows(store.db, forged, { outbox: true });
      const report = await verifyWith(journal, records);
      expect(problemOf(report)).toEqual({ seq: 9, kind: 'host-entry-differs' });
    });

    it('reports a checkpoint deleted from the host only', async () => {
      const { journal, records } = await relayed();
      const gone = records.filter((r) => !(isCheckpoint(r) && r.sequence === 7));
      const report = await verifyWith(journal, gone);
      expect(problemOf(report)).toEqual({ seq: 7, kind: 'checkpoint-not-on-host' });
    });

    it('reports a checkpoint deleted from the store only, through the host, with the file gone too', async () => {
      const { journal, records } = await relayed();
      await rm(journal.checkpointPath);
      await sql`delete from tiergate_audit_checkpoint where seq = 7`.execute(store.db);
      const report = await verifyWith(journal, records);
      expect(problemOf(report)).toEqual({ seq: 7, kind: 'checkpoint-not-in-store' });
      expect(!report.ok && report.problem.message).toContain("the host's audit object");
    });

    it('reports an entry altered on the host, naming the field', async () => {
      const { journal, records } = await relayed();
      const altered = records.map((r) =>
        !isCheckpoint(r) && r.sequence === 5 ? { ...r, actor: 'm-mallory' } : r,
      );
      const report = await verifyWith(journal, altered);
      expect(problemOf(report)).toEqual({ seq: 5, kind: 'host-entry-differs' });
      expect(!report.ok && report.problem.message).toContain('differs from the journal in actor');
    });

    it('reports an entry the store delivered that the host no longer holds', async () => {
      const { journal, records } = await relayed();
      const gone = records.filter((r) => isCheckpoint(r) || r.sequence !== 6);
      expect(problemOf(await verifyWith(journal, gone))).toEqual({
        seq: 6,
        kind: 'entry-not-on-host',
      });
    });

    it('accepts entries and checkpoints not relayed yet', async () => {
      const { journal, records } = await relayed();
      await journal.append([draft(11), draft(12), draft(13)]);
      expect(await verifyWith(journal, records)).toMatchObject({ ok: true, entries: 13 });
    });
  });

  describe('replicas', () => {
    it("verifies from each replica's directory while both append and checkpoint into one store", async () => {
      const dirA = join(dir, 'a');
      const dirB = join(dir, 'b');
      const on = (cwd: string, from: Store): Journal =>
        new Journal(from, ring, {
          cwd,
          checkpointPolicy: { everyEntries: 3, everyMs: 3_600_000 },
          now: () => new Date((clock += 1000)),
        });
      const a = on(dirA, store);
      const b = on(dirB, other);
      for (let i = 0; i < 6; i++) {
        await a.append([draft(2 * i)]);
        await b.append([draft(2 * i + 1)]);
      }
      expect(await a.verify()).toMatchObject({ ok: true, entries: 12 });
      expect(await b.verify()).toMatchObject({ ok: true, entries: 12 });
      // Each file holds the shared history up to its own newest checkpoint.
      const seqs = async (j: Journal): Promise<number[]> =>
        (await readCheckpoints(j.checkpointPath)).map((c) => c.seq);
      const table = await tableCheckpoints();
      expect(await seqs(a)).toEqual(table.slice(0, (await seqs(a)).length));
      expect(await seqs(b)).toEqual(table.slice(0, (await seqs(b)).length));
      // A checkpoint B took is still caught when cut from A's copy.
      const fromB = (await readCheckpoints(b.checkpointPath))[1] as Checkpoint;
      const lines = (await readFile(a.checkpointPath, 'utf8')).trimEnd().split('\n');
      await writeFile(
        a.checkpointPath,
        `${lines.filter((l) => (JSON.parse(l) as Checkpoint).seq !== fromB.seq).join('\n')}\n`,
      );
      expect(problemOf(await a.verify())).toEqual({
        seq: fromB.seq,
        kind: 'checkpoint-not-in-file',
      });
    });
  });

  describe('tail', () => {
    it('returns the last N entries, oldest first', async () => {
      const journal = journalOn(store);
      expect(await journal.tail(5)).toEqual([]);
      await appendEach(journal, 7);
      expect((await journal.tail(3)).map((e) => e.seq)).toEqual([5, 6, 7]);
      expect((await journal.tail(50)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });
});

describe('Journal.open', () => {
  it('creates the key ring where told, and loads the same ring the next time', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tiergate-journal-open-'));
    try {
      const fake = {} as Store;
      const first = await Journal.open(fake, { cwd, keyRingPath: 'keys/ring.json' });
      const second = await Journal.open(fake, { cwd, keyRingPath: 'keys/ring.json' });
      expect(second.ring.activeKeyId).toBe(first.ring.activeKeyId);
      expect(first.checkpointPath).toBe(join(cwd, '.tiergate', 'audit-checkpoints.jsonl'));
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('refuses a checkpoint policy that would never or always checkpoint', () => {
    const fake = {} as Store;
    const ring = KeyRing.generate();
    expect(
      () => new Journal(fake, ring, { checkpointPolicy: { everyEntries: 0, everyMs: 1 } }),
    ).toThrow('checkpointPolicy.everyEntries must be a positive integer, not 0');
    expect(
      () => new Journal(fake, ring, { checkpointPolicy: { everyEntries: 1, everyMs: Number.NaN } }),
    ).toThrow('checkpointPolicy.everyMs must be a positive number, not NaN');
  });
});
