/**
 * `tiergate audit verify` and `tiergate audit log`: the journal of what
 * Tiergate changed, checked and shown. `verify` recomputes every entry's hash and link, checks
 * that seq runs 1, 2, 3… and that every signed checkpoint in the checkpoint file vouches for the
 * entry at its seq (which catches a rewritten or cut tail), and cross-checks the table's own
 * checkpoints against the file; it names the first bad entry. `log` prints the last entries.
 *
 * The store is the one every command uses (`DATABASE_URL`, else PGlite in `.tiergate/store`),
 * migrated first so a fresh installation verifies as an empty journal. Tests inject the store
 * through `createAuditCommand`.
 */
import { resolve } from 'node:path';
import { CheckpointError } from '../../audit/checkpoint.js';
import { Journal, journalTail, type JournalReport } from '../../audit/journal-store.js';
import { DEFAULT_KEY_RING_PATH, KeyRing, KeyRingError } from '../../audit/key-ring.js';
import { outboxSummary, requeueDeadOutbox } from '../../store/journal-rows.js';
import { openStore, StoreError, storeOptionsFromEnv, type Store } from '../../store/store.js';
import { onePositional, type Command, type ParsedArgs } from '../command.js';
import { CliError, EXIT, writeJson, type CliIo } from '../io.js';
import { plural, renderTable } from '../table.js';

export const DEFAULT_LOG_LIMIT = 20;

export interface AuditCommandDeps {
  /** Opens (not migrates) the store; the command closes it when done. */
  readonly openStore: (io: CliIo) => Promise<Store>;
}

const defaultDeps: AuditCommandDeps = {
  openStore: (io) => openStore(storeOptionsFromEnv(io.env, io.cwd)),
};

const count = (n: number): string => n.toLocaleString('en-US');
const entries = (n: number): string => `${count(n)} ${n === 1 ? 'entry' : 'entries'}`;

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

function limitOf(args: ParsedArgs): number {
  const text = stringOption(args, 'limit');
  if (text === undefined) return DEFAULT_LOG_LIMIT;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit) || limit < 1)
    throw new CliError(`usage: --limit must be a positive whole number, not "${text}"`);
  return limit;
}

/** One line for the terminal: the verified head, or the first problem. */
export function describeReport(report: JournalReport): string {
  if (report.ok) {
    const after = report.lastSeq - report.lastCheckpointSeq;
    const anchored =
      report.entries === 0
        ? ''
        : report.lastCheckpointSeq === 0
          ? '; no checkpoint vouches for any entry yet'
          : `; ${entries(after)} after the last checkpoint`;
    return `journal verified: ${entries(report.entries)}, last seq ${report.lastSeq}, ${plural(report.checkpointsChecked, 'checkpoint')} checked${anchored}`;
  }
  const { problem } = report;
  const where = problem.seq === 0 ? 'in the checkpoint file' : `at entry ${problem.seq}`;
  return `journal verification FAILED ${where} (${problem.kind}): ${problem.message}; ${entries(report.entries)} verified before it`;
}

async function withStore<T>(
  deps: AuditCommandDeps,
  io: CliIo,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  let store: Store;
  try {
    store = await deps.openStore(io);
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  try {
    await store.migrate().catch((error: unknown) => {
      throw error instanceof StoreError ? new CliError(error.message, EXIT.failed) : error;
    });
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function verify(args: ParsedArgs, io: CliIo, deps: AuditCommandDeps): Promise<number> {
  const keysPath = resolve(io.cwd, stringOption(args, 'keys') ?? DEFAULT_KEY_RING_PATH);
  const checkpointPath = stringOption(args, 'checkpoints');
  return withStore(deps, io, async (store) => {
    let report: JournalReport;
    try {
      const { ring } = await KeyRing.loadOrCreate(keysPath);
      const journal = new Journal(store, ring, {
        cwd: io.cwd,
        ...(checkpointPath === undefined ? {} : { checkpointPath }),
      });
      report = await journal.verify();
    } catch (error) {
      if (error instanceof KeyRingError || error instanceof CheckpointError)
        throw new CliError(error.message, EXIT.failed);
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
        throw new CliError(`cannot read the journal's files: ${(error as Error).message}`);
      throw error;
    }
    if (args.values.json === true) writeJson(io, { store: store.location, ...report });
    else io.stdout.write(`${describeReport(report)}\n`);
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}

async function log(args: ParsedArgs, io: CliIo, deps: AuditCommandDeps): Promise<number> {
  const limit = limitOf(args);
  return withStore(deps, io, async (store) => {
    const tail = await journalTail(store.db, limit);
    if (args.values.json === true) {
      writeJson(io, tail);
    } else if (tail.length === 0) {
      io.stdout.write(`the journal is empty (${store.location})\n`);
    } else {
      io.stdout.write(
        `${renderTable(
          ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'REASON'],
          tail.map((e) => [String(e.seq), e.at, e.actor, e.action, e.target, e.reason ?? '']),
        )}\n`,
      );
    }
    return EXIT.ok;
  });
}

/** Seqs as ranges, lowest first: `3–5, 9`. */
export function seqRanges(seqs: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i;
    while (j + 1 < seqs.length && (seqs[j + 1] as number) === (seqs[j] as number) + 1) j++;
    ranges.push(i === j ? String(seqs[i]) : `${seqs[i]}–${seqs[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}

/** `audit relay`: the outbox to the CRM's audit object, and `--requeue` of its parked rows. */
async function relay(args: ParsedArgs, io: CliIo, deps: AuditCommandDeps): Promise<number> {
  return withStore(deps, io, async (store) => {
    if (args.values.requeue === true) {
      const seqs = await requeueDeadOutbox(store.db);
      if (args.values.json === true) writeJson(io, { store: store.location, requeued: seqs });
      else
        io.stdout.write(
          seqs.length === 0
            ? 'no parked journal entries to requeue\n'
            : `requeued ${entries(seqs.length)} (seq ${seqRanges(seqs)}); the running server's relay sends them on its next run\n`,
        );
      return EXIT.ok;
    }
    const summary = await outboxSummary(store.db);
    if (args.values.json === true) {
      writeJson(io, { store: store.location, ...summary });
      return EXIT.ok;
    }
    const { counts, oldestUndelivered: oldest } = summary;
    const lines = [
      `audit outbox (${store.location}): ${count(counts.delivered)} delivered, ${count(counts.pending)} pending, ${count(counts.dead)} parked`,
    ];
    if (oldest === undefined) lines.push("every journal entry has reached the CRM's audit object");
    else {
      const state =
        oldest.status === 'dead'
          ? 'parked'
          : `pending, next attempt at ${oldest.nextAttemptAt.toISOString()}`;
      lines.push(
        `oldest undelivered: entry ${oldest.journalSeq} of ${oldest.at}, ${state}, ${plural(oldest.attempts, 'attempt')}${oldest.lastError === null ? '' : `, last error: ${oldest.lastError}`}`,
      );
    }
    if (counts.dead > 0)
      lines.push(
        `run tiergate audit relay --requeue to send the ${entries(counts.dead)} parked again`,
      );
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}

/** The `audit` command over the store `deps` opens (tests give their own). */
export function createAuditCommand(deps: AuditCommandDeps = defaultDeps): Command {
  return {
    name: 'audit',
    summary: "Verify Tiergate's tamper-evident journal, or show its last entries.",
    usage:
      'tiergate audit verify [--keys FILE] [--checkpoints FILE] [--json]\n       tiergate audit log [--limit N] [--json]\n       tiergate audit relay [--requeue] [--json]',
    help: `Every change Tiergate makes is journaled: seq, time, actor, action, target, the values
before and after, a reason, and a SHA-256 chained to the entry before. Every 1,000 entries or 15
minutes the head is signed (Ed25519, a key from .tiergate/audit-keys.json) and the checkpoint
kept both in the store and in .tiergate/audit-checkpoints.jsonl, outside the store.

verify checks every entry's fields and hash, that each links to the one before, that seq runs
1, 2, 3… with no gap, and that every checkpoint in the file is signed and matches the entry at
its seq: a tail rewritten with recomputed hashes, or cut off, fails there. It also reports a
checkpoint in the store that the file lacks or holds differently. It names the first bad entry.

log prints the last entries, oldest first: seq, time, actor, action, target, reason.

relay shows the outbox that carries entries to the CRM's audit object: how many are delivered,
pending and parked, and the oldest not delivered yet with its last error. An entry waits out a
CRM outage of any length; it is parked only when the CRM refuses it 10 times. --requeue puts
parked entries back, to be sent again by the running server.

The store is PostgreSQL at DATABASE_URL, else the embedded database in .tiergate/store.

Options:
  --keys FILE         verify: the key ring (default .tiergate/audit-keys.json)
  --checkpoints FILE  verify: the checkpoint file (default .tiergate/audit-checkpoints.jsonl)
  --limit N           log: how many entries (default ${DEFAULT_LOG_LIMIT})
  --requeue           relay: put parked entries back to be sent again
  --json              print the report (verify) or the entries (log) as JSON
  -h, --help          show this help`,
    exitCodes: {
      0: 'verified (or log shown)',
      1: 'the journal has a problem, or the store or its files cannot be read',
    },
    options: {
      keys: { type: 'string' },
      checkpoints: { type: 'string' },
      limit: { type: 'string' },
      requeue: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(args, io) {
      const sub = onePositional(args, 'subcommand (verify, log or relay)');
      if (sub === 'relay') {
        for (const name of ['keys', 'checkpoints', 'limit'])
          if (args.values[name] !== undefined)
            throw new CliError(`usage: --${name} is not an option of tiergate audit relay`);
        return relay(args, io, deps);
      }
      if (args.values.requeue !== undefined)
        throw new CliError('usage: --requeue is an option of tiergate audit relay');
      if (sub === 'verify') {
        if (args.values.limit !== undefined)
          throw new CliError('usage: --limit is an option of tiergate audit log');
        return verify(args, io, deps);
      }
      if (sub === 'log') {
        for (const name of ['keys', 'checkpoints'])
          if (args.values[name] !== undefined)
            throw new CliError(`usage: --${name} is an option of tiergate audit verify`);
        return log(args, io, deps);
      }
      throw new CliError(
        `usage: unknown subcommand "${sub}"; try tiergate audit verify, log or relay`,
      );
    },
  };
}

export const auditCommand: Command = createAuditCommand();
