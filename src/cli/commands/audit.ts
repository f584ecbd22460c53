/**
 * `tiergate audit verify`, `tiergate audit log` and `tiergate audit keys export`: the journal of
 * what Tiergate changed, checked, shown, and the public keys an auditor checks it with. `verify`
 * runs `verifyStoredJournal` against the store, this directory's checkpoint file and the host's
 * `tiergateAuditEntry` records (read before the store, as copies must be), with public keys
 * only; when the host cannot be read it says the comparison was skipped and exits 2, never 0.
 *
 * The store is the one every command uses (`DATABASE_URL`, else PGlite in `.tiergate/store`),
 * migrated first so a fresh installation verifies as an empty journal. Tests inject the store
 * and the host's copy through `createAuditCommand`.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CheckpointError, DEFAULT_CHECKPOINT_PATH } from '../../audit/checkpoint.js';
import { readHostCopy, type HostCopy } from '../../audit/host-copy.js';
import {
  hostClaims,
  journalTail,
  verifyStoredJournal,
  type JournalReport,
} from '../../audit/journal-store.js';
import {
  DEFAULT_KEY_RING_PATH,
  KeyRing,
  KeyRingError,
  readVerifyingKeys,
} from '../../audit/key-ring.js';
import { outboxSummary, requeueDeadOutbox } from '../../store/outbox.js';
import { openStore, StoreError, storeOptionsFromEnv, type Store } from '../../store/store.js';
import type { Command, ParsedArgs } from '../command.js';
import {
  connectTarget,
  HOST_TARGET_HELP,
  HOST_TARGET_OPTIONS,
  hostTarget,
} from '../host-target.js';
import { CliError, EXIT, writeJson, type CliIo } from '../io.js';
import { plural, renderTable } from '../table.js';

export const DEFAULT_LOG_LIMIT = 20;

export interface AuditCommandDeps {
  /** Opens (not migrates) the store; the command closes it when done. */
  readonly openStore: (io: CliIo) => Promise<Store>;
  /**
   * Reads the host's copy of the journal (its `tiergateAuditEntry` records); throws when the
   * host cannot be named or reached, which verify reports as a skipped comparison.
   */
  readonly readHostCopy?: (args: ParsedArgs, io: CliIo) => Promise<HostCopy>;
}

const defaultDeps: AuditCommandDeps = {
  openStore: (io) => openStore(storeOptionsFromEnv(io.env, io.cwd)),
  readHostCopy: async (args, io) => {
    const target = await hostTarget(args, io, { addonKey: true }).catch((error: unknown) => {
      throw new Error(
        `no host is named here (${error instanceof Error ? error.message.replace(/^usage: /, '') : String(error)})`,
        { cause: error },
      );
    });
    try {
      return await readHostCopy(connectTarget(target).core);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Twenty's schema has no query for the audit object until install creates it.
      const missing = /Cannot query field "tiergateAuditEntries"/.test(message);
      throw new Error(
        missing
          ? `the host at ${target.url} has no Tiergate audit object yet (run \`tiergate install\` to mirror the journal there)`
          : `the host at ${target.url} could not be read: ${message}`,
        { cause: error },
      );
    }
  },
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

/** Lines for the terminal: the verified head (or the first problem), then the host's part. */
export function describeReport(report: JournalReport): string {
  const hostLine = report.host.compared
    ? `host copy compared: ${entries(report.host.entries)} and ${plural(report.host.checkpoints, 'checkpoint')} on the host agree with the journal`
    : `host comparison SKIPPED (${report.host.reason}): this is not a pass; the host's copy was not checked`;
  if (report.ok) {
    const after = report.lastSeq - report.lastCheckpointSeq;
    const anchored =
      report.entries === 0
        ? ''
        : report.lastCheckpointSeq === 0
          ? '; no checkpoint vouches for any entry yet'
          : `; ${entries(after)} after the last checkpoint`;
    const lagging =
      report.notYetInFile === 0
        ? ''
        : `\n${plural(report.notYetInFile, 'newer checkpoint')} of the store ${report.notYetInFile === 1 ? 'is' : 'are'} not in ${report.checkpointFile} yet (taken by another replica, or not copied yet): checked from the store`;
    return `journal verified: ${entries(report.entries)}, last seq ${report.lastSeq}, ${plural(report.checkpointsChecked, 'checkpoint')} checked${anchored}${lagging}\n${hostLine}`;
  }
  const { problem } = report;
  const where = problem.seq === 0 ? 'in the checkpoint file' : `at entry ${problem.seq}`;
  const line = `journal verification FAILED ${where} (${problem.kind}): ${problem.message}; ${entries(report.entries)} verified before it`;
  return report.host.compared ? line : `${line}\n${hostLine}`;
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
  const checkpointPath = resolve(
    io.cwd,
    stringOption(args, 'checkpoints') ?? DEFAULT_CHECKPOINT_PATH,
  );
  return withStore(deps, io, async (store) => {
    // Public keys only, never a new ring: verifying must not give the power to sign.
    const keys = await readVerifyingKeys(keysPath).catch((error: unknown) => {
      if (error instanceof KeyRingError) throw new CliError(error.message, EXIT.failed);
      throw error;
    });
    // What the store says reached the host, then the host, then the rest of the store: the
    // relay keeps delivering meanwhile, and the host must hold only what was delivered before
    // it was read (and nothing the store lacks, which is read after it).
    const claims = await hostClaims(store).catch(() => undefined);
    let host: HostCopy | undefined;
    let hostSkipped: string | undefined;
    if (args.values.offline === true) hostSkipped = '--offline';
    else if (deps.readHostCopy === undefined) hostSkipped = 'no host to compare with';
    else {
      try {
        host = await deps.readHostCopy(args, io);
      } catch (error) {
        hostSkipped = error instanceof Error ? error.message : String(error);
      }
    }
    let report: JournalReport;
    try {
      report = await verifyStoredJournal(store, keys.keys, {
        checkpointPath,
        ...(host === undefined ? { hostSkipped: hostSkipped ?? 'not read' } : { host }),
        ...(claims === undefined ? {} : { hostClaims: claims }),
      });
    } catch (error) {
      if (error instanceof CheckpointError) throw new CliError(error.message, EXIT.failed);
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
        throw new CliError(`cannot read the journal's files: ${(error as Error).message}`);
      throw error;
    }
    if (args.values.json === true) writeJson(io, { store: store.location, ...report });
    else io.stdout.write(`${describeReport(report)}\n`);
    if (!report.ok) return EXIT.failed;
    return report.host.compared ? EXIT.ok : EXIT.pending;
  });
}

/** `audit keys export`: the ring's public keys as JSON, to stdout or `--out FILE`. */
async function exportKeys(args: ParsedArgs, io: CliIo): Promise<number> {
  const ringPath = resolve(io.cwd, stringOption(args, 'keys') ?? DEFAULT_KEY_RING_PATH);
  let ring: KeyRing;
  try {
    ring = await KeyRing.load(ringPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(
        `no key ring at ${ringPath}: run this where the journal is written (the ring is made with its first checkpoint), or give --keys FILE`,
        EXIT.failed,
      );
    if (error instanceof KeyRingError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  const text = ring.exportPublicKeys();
  const out = stringOption(args, 'out');
  if (out === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  const path = resolve(io.cwd, out);
  await mkdir(dirname(path), { recursive: true });
  // Public keys only: readable by others is fine; refusing to overwrite keeps an old export.
  const handle = await open(path, 'wx', 0o644).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(
        `${path} exists already; remove it or give another --out FILE`,
        EXIT.failed,
      );
    throw error;
  });
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  io.stdout.write(`wrote ${plural(ring.keyIds.length, 'public key')} to ${path}\n`);
  return EXIT.ok;
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
    summary:
      "Verify Tiergate's tamper-evident journal, show its last entries, export its public keys.",
    usage:
      'tiergate audit verify [--keys FILE] [--checkpoints FILE] [--offline | --host URL --api-key KEY] [--json]\n       tiergate audit log [--limit N] [--json]\n       tiergate audit relay [--requeue] [--json]\n       tiergate audit keys export [--out FILE] [--keys FILE]',
    help: `Every change Tiergate makes is journaled: seq, time, actor, action, target, the values
before and after, a reason, and a SHA-256 chained to the entry before. Every 1,000 entries or 15
minutes the head is signed (Ed25519, a key from .tiergate/audit-keys.json) and the checkpoint
kept in the store, in .tiergate/audit-checkpoints.jsonl (each replica's copy of the store's
checkpoint history) and in Twenty's tiergateAuditEntry object, with every entry.

verify checks every entry's fields and hash, that each links to the one before, that seq runs
1, 2, 3… with no gap, and that every checkpoint found in the store, the file or the host is
signed and matches the entry at its seq, and that the journal reaches the newest of them: a tail
rewritten with recomputed hashes, or cut off, fails there. The file and the host must hold no
checkpoint the store lacks; the file must hold every store checkpoint up to its newest (newer
ones, taken by another replica, are counted and checked from the store); the host must hold
every checkpoint and entry the store delivered there, each entry as the journal says it. It
names the first problem, a row the store cannot read included (with the last good entry).
It only reads, and needs public keys only: it never creates a key ring.

log prints the last entries, oldest first: seq, time, actor, action, target, reason.

relay shows the outbox that carries entries to the CRM's audit object: how many are delivered,
pending and parked, and the oldest not delivered yet with its last error. An entry waits out a
CRM outage of any length; it is parked only when the CRM refuses it 10 times. --requeue puts
parked entries back, to be sent again by the running server.

keys export writes the key ring's public keys (ids, PEM, created and retired dates) as JSON, for
an auditor to run verify --keys FILE without the power to sign.

The store is PostgreSQL at DATABASE_URL, else the embedded database in .tiergate/store.

Options:
  --keys FILE         verify: public keys from keys export, or the key ring; keys export: the ring
                      (default .tiergate/audit-keys.json)
  --checkpoints FILE  verify: the checkpoint file (default .tiergate/audit-checkpoints.jsonl)
  --offline           verify: do not read the host (the host comparison is reported SKIPPED)
${HOST_TARGET_HELP}
  --out FILE          keys export: write to FILE (not overwritten) instead of stdout
  --limit N           log: how many entries (default ${DEFAULT_LOG_LIMIT})
  --requeue           relay: put parked entries back to be sent again
  --json              print the report (verify) or the entries (log) as JSON
  -h, --help          show this help`,
    exitCodes: {
      0: 'verified against the store, the file and the host (or log shown, keys exported)',
      1: 'the journal has a problem, or the store, its files or the keys cannot be read',
      2: "verify: store and file verified, but the host's copy was not compared (--offline or unreachable)",
    },
    options: {
      keys: { type: 'string' },
      checkpoints: { type: 'string' },
      offline: { type: 'boolean' },
      ...HOST_TARGET_OPTIONS,
      out: { type: 'string' },
      limit: { type: 'string' },
      requeue: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(args, io) {
      const [sub, ...rest] = args.positionals;
      if (sub === undefined)
        throw new CliError('usage: give the subcommand (verify, log, relay or keys export)');
      const only = (names: readonly string[], where: string): void => {
        for (const name of Object.keys(args.values))
          if (args.values[name] !== undefined && !names.includes(name))
            throw new CliError(`usage: --${name} is not an option of tiergate audit ${where}`);
      };
      if (sub === 'keys') {
        if (rest[0] !== 'export' || rest.length > 1)
          throw new CliError('usage: try tiergate audit keys export [--out FILE]');
        only(['keys', 'out'], 'keys export');
        return exportKeys(args, io);
      }
      if (rest.length > 0) throw new CliError(`usage: unexpected argument "${rest[0] ?? ''}"`);
      if (sub === 'relay') {
        only(['requeue', 'json'], 'relay');
        return relay(args, io, deps);
      }
      if (args.values.requeue !== undefined)
        throw new CliError('usage: --requeue is an option of tiergate audit relay');
      if (sub === 'verify') {
        if (args.values.limit !== undefined)
          throw new CliError('usage: --limit is an option of tiergate audit log');
        only(['keys', 'checkpoints', 'offline', 'host', 'api-key', 'json'], 'verify');
        if (
          args.values.offline === true &&
          (args.values.host ?? args.values['api-key']) !== undefined
        )
          throw new CliError('usage: --offline reads no host: drop --host and --api-key');
        return verify(args, io, deps);
      }
      if (sub === 'log') {
        for (const name of ['keys', 'checkpoints'])
          if (args.values[name] !== undefined)
            throw new CliError(`usage: --${name} is an option of tiergate audit verify`);
        only(['limit', 'json'], 'log');
        return log(args, io, deps);
      }
      throw new CliError(
        `usage: unknown subcommand "${sub}"; try tiergate audit verify, log, relay or keys export`,
      );
    },
  };
}

export const auditCommand: Command = createAuditCommand();
