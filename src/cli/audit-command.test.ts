/**
 * `tiergate audit verify` and `tiergate audit log`, run as the binary runs them (arguments
 * parsed as `main.ts` parses them), on PGlite and on PostgreSQL: the command reports an intact
 * journal with its figures, names the entry where the table was tampered with, and exits 1 then;
 * usage mistakes exit 2. The store is injected for the engine suites; the last tests run the
 * real `auditCommand` on the store it finds itself (`.tiergate/store`, then `DATABASE_URL`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostCopyOf, type HostCopy } from '../audit/host-copy.js';
import { Journal } from '../audit/journal-store.js';
import { KeyRing } from '../audit/key-ring.js';
import { auditRecordOf } from '../audit/outbox-relay.js';
import type { JournalRow } from '../store/journal-rows.js';
import type { JournalDraft } from '../audit/journal.js';
import { emptyStore, storeBackends, testServer } from '../store/store.test-support.js';
import { openStore, type Store } from '../store/store.js';
import { auditCommand, createAuditCommand } from './commands/audit.js';
import { runCommand, type CliRun } from './run.test-support.js';

const run = runCommand;

const draft = (n: number): JournalDraft => ({
  actor: n % 2 === 0 ? 'm-bob' : 'm-alice',
  action: 'policy.apply',
  target: `role:rep@tier-${n}`,
  before: { n },
  after: { n: n + 1 },
  reason: n % 2 === 0 ? `run ${n}` : null,
});

/** `n` entries, one append each, with a checkpoint every 3 (at 1, 4, 7, 10…). */
async function journalEntries(store: Store, cwd: string, n: number): Promise<Journal> {
  const journal = await Journal.open(store, {
    cwd,
    checkpointPolicy: { everyEntries: 3, everyMs: 3_600_000 },
  });
  for (let i = 1; i <= n; i++) await journal.append([draft(i)]);
  return journal;
}

describe.each(storeBackends())('tiergate audit on $name', (backend) => {
  let store: Store;
  let cwd: string;
  /** What the host holds, as the command reads it (nothing relayed yet, by default). */
  let hostCopy: () => Promise<HostCopy> = () => Promise.resolve(hostCopyOf([]));
  /** The command over the suite's store, which it must not close. */
  const command = createAuditCommand({
    openStore: () => Promise.resolve({ ...store, close: () => Promise.resolve() }),
    readHostCopy: () => hostCopy(),
  });
  const audit = (...argv: string[]): Promise<CliRun> => run(command, argv, cwd);

  beforeAll(async () => {
    ({ store } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    await emptyStore(store);
    cwd = await mkdtemp(join(tmpdir(), 'tiergate-audit-cli-'));
    hostCopy = () => Promise.resolve(hostCopyOf([]));
  });
  afterEach(() => rm(cwd, { recursive: true, force: true }));

  it('verify passes an intact journal and says how much the checkpoints cover', async () => {
    await journalEntries(store, cwd, 12);
    const result = await audit('verify');
    expect(result).toEqual({
      code: 0,
      out:
        'journal verified: 12 entries, last seq 12, 4 checkpoints checked; 2 entries after the last checkpoint\n' +
        'host copy compared: 0 entries and 0 checkpoints on the host agree with the journal\n',
      err: '',
    });
  });

  it('verify passes an empty journal', async () => {
    await KeyRing.generate().save(join(cwd, '.tiergate', 'audit-keys.json'));
    expect(await audit('verify')).toMatchObject({
      code: 0,
      out: /^journal verified: 0 entries, last seq 0, 0 checkpoints checked\n/,
    });
  });

  it('verify names the entry an UPDATE changed, with exit 1', async () => {
    await journalEntries(store, cwd, 12);
    await sql`update tiergate_audit_journal set actor = 'm-mallory' where seq = 6`.execute(
      store.db,
    );
    const result = await audit('verify');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^journal verification FAILED at entry 6 \(hash-mismatch\): entry 6: hash does not match its contents .*; 5 entries verified before it\n$/,
    );
  });

  it('verify names a cut tail by the first removed entry, thanks to the checkpoint file', async () => {
    await journalEntries(store, cwd, 12);
    await sql`delete from tiergate_audit_outbox where journal_seq >= 8`.execute(store.db);
    await sql`delete from tiergate_audit_journal where seq >= 8`.execute(store.db);
    await sql`delete from tiergate_audit_checkpoint where seq >= 8`.execute(store.db);
    const result = await audit('verify', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({
      ok: false,
      entries: 7,
      problem: { seq: 8, kind: 'truncated' },
      checkpointFile: join(cwd, '.tiergate', 'audit-checkpoints.jsonl'),
    });
  });

  it('verify reports a checkpoint file edited by hand', async () => {
    const journal = await journalEntries(store, cwd, 5);
    const text = await readFile(journal.checkpointPath, 'utf8');
    // The checkpoint of entry 4 now vouches for another hash (its first digit changed).
    const edited = text.replace(
      /"seq":4,"hash":"(.)/,
      (_, digit: string) => `"seq":4,"hash":"${digit === 'f' ? 'e' : 'f'}`,
    );
    expect(edited).not.toBe(text);
    await writeFile(journal.checkpointPath, edited);
    const result = await audit('verify');
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED at entry 4 (checkpoint-signature)');
  });

  it('verify reads the checkpoint file and key ring given with --checkpoints and --keys', async () => {
    const journal = await journalEntries(store, cwd, 4);
    const elsewhere = join(cwd, 'vault');
    await writeFile(join(cwd, 'moved.jsonl'), await readFile(journal.checkpointPath));
    await rm(journal.checkpointPath);
    await journal.ring.save(join(elsewhere, 'keys.json'));
    await rm(join(cwd, '.tiergate', 'audit-keys.json'));
    const result = await audit(
      'verify',
      '--checkpoints',
      'moved.jsonl',
      '--keys',
      'vault/keys.json',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({
      ok: true,
      entries: 4,
      checkpointsChecked: 2,
      tableCheckpoints: 2,
      store: store.location,
    });
  });

  it('verify from exported public keys passes, and never creates a key ring', async () => {
    const journal = await journalEntries(store, cwd, 7);
    journal.ring.rotate();
    await journal.ring.save(join(cwd, '.tiergate', 'audit-keys.json'));
    await journal.append([draft(8)]);
    await journal.checkpointNow();
    expect(await audit('keys', 'export', '--out', 'auditor/public.json')).toMatchObject({
      code: 0,
      out: `wrote 2 public keys to ${join(cwd, 'auditor', 'public.json')}\n`,
    });
    const exported = await readFile(join(cwd, 'auditor', 'public.json'), 'utf8');
    expect(exported).not.toContain('PRIVATE');
    expect(JSON.parse(exported)).toMatchObject({
      format: 'tiergate-audit-public-keys',
      keys: [
        { id: journal.ring.keyIds[0], retiredAt: expect.any(String) as unknown },
        { id: journal.ring.activeKeyId, retiredAt: null },
      ],
    });
    await rm(join(cwd, '.tiergate', 'audit-keys.json'));
    const result = await audit('verify', '--keys', 'auditor/public.json');
    expect(result).toMatchObject({ code: 0, out: /^journal verified: 8 entries, .*4 checkpoints/ });
    const without = await audit('verify');
    expect(without.code).toBe(1);
    expect(without.err).toContain('tiergate audit keys export --out FILE');
    await expect(readFile(join(cwd, '.tiergate', 'audit-keys.json'))).rejects.toThrow('ENOENT');
  });

  it('verify says the host comparison was skipped, and exits 2, when the host cannot be read', async () => {
    await journalEntries(store, cwd, 4);
    hostCopy = () =>
      Promise.reject(new Error('the host at http://twenty.test could not be read: ECONNREFUSED'));
    const result = await audit('verify');
    expect(result.code).toBe(2);
    expect(result.out).toContain(
      'host comparison SKIPPED (the host at http://twenty.test could not be read: ECONNREFUSED): this is not a pass',
    );
    const offline = await audit('verify', '--offline', '--json');
    expect(offline.code).toBe(2);
    expect(JSON.parse(offline.out)).toMatchObject({
      ok: true,
      host: { compared: false, reason: '--offline' },
    });
  });

  it("verify fails on an entry altered in the host's copy", async () => {
    await journalEntries(store, cwd, 4);
    await sql`update tiergate_audit_outbox set status = 'delivered'`.execute(store.db);
    const rows =
      await sql<JournalRow>`select seq::int as seq, at, actor, action, target, before, after, reason,
      prev_hash as "prevHash", hash from tiergate_audit_journal order by seq`.execute(store.db);
    hostCopy = () =>
      Promise.resolve(
        hostCopyOf(
          rows.rows.map((row) => ({
            ...auditRecordOf(row),
            ...(row.seq === 3 ? { subject: 'role:nobody' } : {}),
          })),
        ),
      );
    const result = await audit('verify');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^journal verification FAILED at entry 3 \(host-entry-differs\): entry 3: the host's record \S+ differs from the journal in subject/,
    );
  });

  it('verify passes while the relay delivers an entry during the reading of the host', async () => {
    await journalEntries(store, cwd, 4);
    await sql`update tiergate_audit_outbox set status = 'delivered' where journal_seq <= 3`.execute(
      store.db,
    );
    const rows =
      await sql<JournalRow>`select seq::int as seq, at, actor, action, target, before, after, reason,
      prev_hash as "prevHash", hash from tiergate_audit_journal order by seq`.execute(store.db);
    // The host is read holding entries 1-3; entry 4 is delivered just after that page.
    hostCopy = async () => {
      const copy = hostCopyOf(rows.rows.filter((r) => r.seq <= 3).map((r) => auditRecordOf(r)));
      await sql`update tiergate_audit_outbox set status = 'delivered' where journal_seq = 4`.execute(
        store.db,
      );
      return copy;
    };
    const result = await audit('verify');
    expect(result.out).toMatch(/^journal verified/);
    expect(result.code).toBe(0);
  });

  it('log prints the last N entries, oldest first, one line each', async () => {
    await journalEntries(store, cwd, 6);
    const result = await audit('log', '--limit', '2');
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^SEQ\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+REASON$/);
    expect(lines[2]).toMatch(
      /^5\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+m-alice\s+policy\.apply\s+role:rep@tier-5$/,
    );
    expect(lines[3]).toMatch(/^6\s+\S+\s+m-bob\s+policy\.apply\s+role:rep@tier-6\s+run 6$/);
  });

  it('log --json prints whole entries, and says so when the journal is empty', async () => {
    expect(await audit('log')).toMatchObject({ code: 0, out: /^the journal is empty \(/ });
    await journalEntries(store, cwd, 3);
    const entries = JSON.parse((await audit('log', '--json')).out) as { seq: number }[];
    expect(entries).toMatchObject([
      { seq: 1, before: '{"n":1}', after: '{"n":2}', reason: null },
      { seq: 2, reason: 'run 2' },
      { seq: 3 },
    ]);
  });

  it('relay shows the outbox by status and its oldest undelivered entry; --requeue puts parked entries back', async () => {
    await journalEntries(store, cwd, 7);
    const setStatus = (seqs: number[], status: 'delivered' | 'dead', error: string | null) =>
      store.db
        .updateTable('tiergate_audit_outbox')
        .set({ status, last_error: error, attempts: 10, strikes: 10 })
        .where('journal_seq', 'in', seqs)
        .execute();
    await setStatus([1, 2, 5], 'delivered', null);
    await setStatus([3, 4, 6], 'dead', 'TiergateAuditRelay (HTTP 400): Invalid value');

    const shown = await audit('relay');
    expect(shown.code).toBe(0);
    const lines = shown.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^audit outbox \(.+\): 3 delivered, 1 pending, 3 parked$/);
    expect(lines[1]).toMatch(
      /^oldest undelivered: entry 3 of \d{4}-\S+Z, parked, 10 attempts, last error: TiergateAuditRelay \(HTTP 400\): Invalid value$/,
    );
    expect(lines[2]).toBe('run tiergate audit relay --requeue to send the 3 entries parked again');

    expect(await audit('relay', '--requeue')).toEqual({
      code: 0,
      out: "requeued 3 entries (seq 3–4, 6); the running server's relay sends them on its next run\n",
      err: '',
    });
    const statuses = await store.db
      .selectFrom('tiergate_audit_outbox')
      .select(['journal_seq', 'status', 'strikes'])
      .where('journal_seq', 'in', [3, 4, 6])
      .execute();
    expect(statuses.every((row) => row.status === 'pending' && row.strikes === 0)).toBe(true);
    expect((await audit('relay', '--requeue')).out).toBe('no parked journal entries to requeue\n');
    expect((await audit('relay')).out).toMatch(
      /: 3 delivered, 4 pending, 0 parked\noldest undelivered: entry 3 of \S+, pending, next attempt at \S+, 10 attempts, last error: .+\n$/,
    );
    expect(JSON.parse((await audit('relay', '--json')).out)).toMatchObject({
      counts: { delivered: 3, pending: 4, dead: 0 },
      oldestUndelivered: { journalSeq: 3, status: 'pending' },
    });
  });

  it('relay says so when every entry has reached the CRM', async () => {
    expect((await audit('relay')).out).toMatch(
      /: 0 delivered, 0 pending, 0 parked\nevery journal entry has reached the CRM's audit object\n$/,
    );
  });
});

describe('tiergate audit usage', () => {
  const cwd = tmpdir();
  const noStore = createAuditCommand({
    openStore: () => Promise.reject(new Error('no store should be opened for a usage error')),
  });

  it.each([
    [[], 'usage: give the subcommand (verify, log, relay or keys export)'],
    [
      ['check'],
      'usage: unknown subcommand "check"; try tiergate audit verify, log, relay or keys export',
    ],
    [['verify', '--requeue'], 'usage: --requeue is an option of tiergate audit relay'],
    [['relay', '--limit', '3'], 'usage: --limit is not an option of tiergate audit relay'],
    [['keys'], 'usage: try tiergate audit keys export [--out FILE]'],
    [
      ['keys', 'export', '--limit', '2'],
      'usage: --limit is not an option of tiergate audit keys export',
    ],
    [['verify', '--out', 'x'], 'usage: --out is not an option of tiergate audit verify'],
    [
      ['verify', '--offline', '--host', 'http://x'],
      'usage: --offline reads no host: drop --host and --api-key',
    ],
    [['log', '--limit', '0'], 'usage: --limit must be a positive whole number, not "0"'],
    [['log', '--limit', '2x'], 'usage: --limit must be a positive whole number, not "2x"'],
    [['verify', '--limit', '3'], 'usage: --limit is an option of tiergate audit log'],
    [['log', '--keys', 'k.json'], 'usage: --keys is an option of tiergate audit verify'],
    [['verify', 'extra'], 'usage: unexpected argument "extra"'],
  ])('exits 64 for %j: %s', async (argv, message) => {
    expect(await run(noStore, argv, cwd)).toEqual({ code: 64, out: '', err: `${message}\n` });
  });

  it('exits 1 and names the database when the store cannot be reached', async () => {
    const result = await run(auditCommand, ['verify'], cwd, {
      DATABASE_URL: 'postgres://tiergate:secret@127.0.0.1:1/none',
    });
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED\n',
    });
  });

  it('documents both subcommands and every option in its help', () => {
    for (const text of [
      'audit verify',
      'audit log',
      'audit relay',
      'audit keys export',
      '--limit N',
      '--keys FILE',
      '--offline',
      '--json',
    ])
      expect(`${auditCommand.usage}\n${auditCommand.help}`).toContain(text);
    for (const option of Object.keys(auditCommand.options))
      expect(auditCommand.help).toContain(`--${option}`);
  });
});

describe('tiergate audit on the store it finds itself', () => {
  it('opens the embedded store in .tiergate/store, journaled and closed by another process', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tiergate-audit-embedded-'));
    try {
      const store = await openStore({ dataDir: join(cwd, '.tiergate', 'store') });
      await store.migrate();
      await journalEntries(store, cwd, 4);
      await store.close();
      expect(await run(auditCommand, ['verify'], cwd)).toEqual({
        code: 2,
        out:
          'journal verified: 4 entries, last seq 4, 2 checkpoints checked; 0 entries after the last checkpoint\n' +
          "host comparison SKIPPED (no host is named here (give --host URL and --api-key KEY (or run `tiergate sandbox` or `tiergate install` here first))): this is not a pass; the host's copy was not checked\n",
        err: '',
      });
      const log = await run(auditCommand, ['log', '--limit', '1', '--json'], cwd);
      expect(JSON.parse(log.out)).toMatchObject([{ seq: 4 }]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('reports a damaged table file of the embedded store with the last good entry, exit 1', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tiergate-audit-damaged-'));
    try {
      const dataDir = join(cwd, '.tiergate', 'store');
      const store = await openStore({ dataDir });
      await store.migrate();
      const journal = await Journal.open(store, { cwd });
      for (let i = 1; i <= 120; i++)
        await journal.append([{ ...draft(i), after: { pad: 'x'.repeat(200), i } }]);
      const file = (
        await sql<{
          path: string;
        }>`select pg_relation_filepath('tiergate_audit_journal') as path`.execute(store.db)
      ).rows[0]?.path;
      await store.close();
      // Bytes in the journal's second page overwritten, as a failing disk would.
      const path = join(dataDir, file ?? 'none');
      const bytes = await readFile(path);
      bytes.fill(0x5a, 8192 + 100, 8192 + 4000);
      await writeFile(path, bytes);
      const result = await run(auditCommand, ['verify', '--offline'], cwd);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        /^journal verification FAILED at entry (\d+) \(store-unreadable\): the store \(PGlite in .*\) cannot be read after entry \d+, the last good entry: invalid page in block 1 of relation/,
      );
      expect(result.out).not.toContain('    at ');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('reports an embedded store whose control file is damaged as unreadable, naming it, exit 1', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tiergate-audit-damaged-'));
    try {
      const dataDir = join(cwd, '.tiergate', 'store');
      const store = await openStore({ dataDir });
      await store.migrate();
      await journalEntries(store, cwd, 2);
      await store.close();
      await writeFile(join(dataDir, 'global', 'pg_control'), Buffer.alloc(8192, 0x41));
      const result = await run(auditCommand, ['verify', '--offline'], cwd);
      expect(result).toEqual({
        code: 1,
        out: '',
        err: `cannot open the embedded database in ${dataDir}: PGlite failed to initialize properly\n`,
      });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('opens PostgreSQL at DATABASE_URL, migrating a fresh database first', async () => {
    const server = testServer();
    const admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from });
    const database = `tiergate_test_${randomBytes(6).toString('hex')}`;
    const cwd = await mkdtemp(join(tmpdir(), 'tiergate-audit-pg-'));
    try {
      await sql`create database ${sql.id(database)}`.execute(admin.db);
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      const env = { DATABASE_URL: url.toString() };
      expect(await run(auditCommand, ['verify', '--offline'], cwd, env)).toMatchObject({
        code: 1,
        err: /^no keys at .*: verify needs the journal's public keys; run `tiergate audit keys export --out FILE`/,
      });
      const store = await openStore({ databaseUrl: url.toString() });
      try {
        await journalEntries(store, cwd, 2);
      } finally {
        await store.close();
      }
      expect(await run(auditCommand, ['verify', '--offline'], cwd, env)).toMatchObject({
        code: 2,
        out: /^journal verified: 2 entries, last seq 2, 1 checkpoint checked; 1 entry after the last checkpoint\nhost comparison SKIPPED \(--offline\)/,
      });
    } finally {
      await rm(cwd, { recursive: true, force: true });
      await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.db);
      await admin.close();
    }
  }, 60_000);
});
