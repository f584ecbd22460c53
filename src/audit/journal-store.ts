/**
 * The journal kept in the store (the persistent part): `Journal` chains drafts
 * onto the stored head and writes each entry with its outbox row in one transaction, signs a
 * checkpoint of the head every N entries or M minutes and keeps it twice, in the store's table
 * and in a JSON-lines file outside it, and verifies the table against the file.
 *
 * Why both places: a hash chain alone cannot tell a table rewritten from some entry on, hashes
 * and links recomputed, from the real one, nor notice a removed tail. A signed head kept outside
 * the table can. `verify()` therefore checks the entries against the FILE's checkpoints, and
 * cross-checks the table's checkpoints against the file (one in the table that the file lacks or
 * holds differently means one of the two was edited).
 *
 * Concurrency: every append and checkpoint takes one transaction-scoped advisory lock first, so
 * appends from several processes on one PostgreSQL database queue up instead of forking the
 * chain (PGlite has one connection, and takes the lock too, to run the same code). A checkpoint
 * is only ever taken of committed entries: `append` with a caller's transaction leaves the
 * checkpoint to `checkpointIfDue()`, which the caller runs after its commit.
 *
 * No unanchored tail: appends alone would leave the entries after the last checkpoint unsigned
 * for as long as the journal stays quiet, so `keepCheckpointing` also checks on a timer and
 * signs the head once the time policy says so. Each checkpoint is handed to `onCheckpoint` as
 * soon as it commits (the server mirrors it to the host's audit object from there).
 */
import { resolve } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import {
  allJournalRows,
  appendCheckpoint as storeCheckpoint,
  appendJournalRows,
  lastCheckpoint,
  lastJournalRow,
  readJournalRows,
} from '../store/journal-rows.js';
import { TABLES, type Database, type Executor } from '../store/schema.js';
import type { Store } from '../store/store.js';
import {
  appendCheckpoint as fileCheckpoint,
  CheckpointError,
  checkpointDue,
  checkpointFileLines,
  checkpointProblem,
  DEFAULT_CHECKPOINT_PATH,
  DEFAULT_CHECKPOINT_POLICY,
  signCheckpoint,
  type Checkpoint,
  type CheckpointPolicy,
} from './checkpoint.js';
import { chainEntries, type JournalDraft, type JournalEntry } from './journal.js';
import { DEFAULT_KEY_RING_PATH, KeyRing } from './key-ring.js';
import { JournalVerifier, type ProblemKind } from './verify.js';

/**
 * The advisory lock every append and checkpoint holds until its transaction ends: two int4 keys,
 * "tier" and "gate" in ASCII, so it is unlikely to meet another application's lock.
 */
const LOCK_KEYS = [0x74696572, 0x67617465] as const;

export interface JournalOptions {
  /** The JSON-lines file checkpoints are kept in besides the table; relative to `cwd`. */
  readonly checkpointPath?: string;
  /** When a checkpoint is owed (default: every 1,000 entries or 15 minutes). */
  readonly checkpointPolicy?: CheckpointPolicy;
  /** The clock; entries and checkpoints are stamped with it. */
  readonly now?: () => Date;
  /** Resolves relative paths; the process's working directory by default. */
  readonly cwd?: string;
  /**
   * Called with each checkpoint once it is in the table and the file, not awaited: mirroring it
   * elsewhere must not hold up appends. What it throws or rejects with is dropped.
   */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => unknown;
}

/** How often `keepCheckpointing` looks by default: a checkpoint is at most this late. */
export const DEFAULT_CHECKPOINT_CHECK_MS = 30_000;

export interface OpenJournalOptions extends JournalOptions {
  /** The key ring file, relative to `cwd` (default `.tiergate/audit-keys.json`). */
  readonly keyRingPath?: string;
}

export type JournalReportProblemKind =
  | ProblemKind
  /** A line of the checkpoint file is not JSON. */
  | 'checkpoint-file'
  /** The table holds a checkpoint the file does not. */
  | 'checkpoint-not-in-file'
  /** The table and the file hold different checkpoints for one seq. */
  | 'checkpoint-differs';

export interface JournalReportProblem {
  /** The entry (or checkpoint) where things go wrong; 0 when no seq can be named. */
  readonly seq: number;
  readonly kind: JournalReportProblemKind;
  readonly message: string;
}

/** What `verify()` found: the first problem, or the verified head and what vouches for it. */
export type JournalReport =
  | {
      readonly ok: true;
      readonly entries: number;
      readonly lastSeq: number;
      readonly lastHash: string;
      /** File checkpoints matched against their entries. */
      readonly checkpointsChecked: number;
      /** The last entry a checkpoint vouches for (0 for none). */
      readonly lastCheckpointSeq: number;
      /** Table checkpoints found, each equal to the file's. */
      readonly tableCheckpoints: number;
      readonly checkpointFile: string;
    }
  | {
      readonly ok: false;
      readonly problem: JournalReportProblem;
      /** Entries found good before the problem. */
      readonly entries: number;
      readonly checkpointFile: string;
    };

/** The journal in a store, with its checkpoints in the store and in a file. */
export class Journal {
  readonly store: Store;
  readonly ring: KeyRing;
  /** Absolute path of the checkpoint file. */
  readonly checkpointPath: string;
  readonly checkpointPolicy: CheckpointPolicy;
  readonly #now: () => Date;
  readonly #onCheckpoint: ((checkpoint: Checkpoint) => unknown) | undefined;

  constructor(store: Store, ring: KeyRing, options: JournalOptions = {}) {
    this.store = store;
    this.ring = ring;
    const cwd = options.cwd ?? process.cwd();
    this.checkpointPath = resolve(cwd, options.checkpointPath ?? DEFAULT_CHECKPOINT_PATH);
    this.checkpointPolicy = options.checkpointPolicy ?? DEFAULT_CHECKPOINT_POLICY;
    const { everyEntries, everyMs } = this.checkpointPolicy;
    if (!Number.isSafeInteger(everyEntries) || everyEntries < 1)
      throw new RangeError(
        `checkpointPolicy.everyEntries must be a positive integer, not ${everyEntries}`,
      );
    if (!(everyMs > 0))
      throw new RangeError(`checkpointPolicy.everyMs must be a positive number, not ${everyMs}`);
    this.#now = options.now ?? (() => new Date());
    this.#onCheckpoint = options.onCheckpoint;
  }

  /** A journal over `store` with the key ring at `keyRingPath`, created there when missing. */
  static async open(store: Store, options: OpenJournalOptions = {}): Promise<Journal> {
    const cwd = options.cwd ?? process.cwd();
    const { ring } = await KeyRing.loadOrCreate(
      resolve(cwd, options.keyRingPath ?? DEFAULT_KEY_RING_PATH),
    );
    return new Journal(store, ring, { ...options, cwd });
  }

  /**
   * Appends `drafts` after the stored head, each with its outbox row, and returns the chained
   * entries. With `trx`, they commit (or roll back) with the caller's other writes, and the
   * journal stays locked for other appenders until then; call `checkpointIfDue()` after the
   * commit. Without, they commit here and a checkpoint follows when one is due.
   */
  async append(
    drafts: readonly JournalDraft[],
    options: { readonly trx?: Transaction<Database> } = {},
  ): Promise<JournalEntry[]> {
    if (drafts.length === 0) return [];
    if (options.trx !== undefined) return this.#appendIn(options.trx, drafts);
    const entries = await this.store.transaction((trx) => this.#appendIn(trx, drafts));
    await this.checkpointIfDue();
    return entries;
  }

  async #appendIn(
    trx: Transaction<Database>,
    drafts: readonly JournalDraft[],
  ): Promise<JournalEntry[]> {
    await lock(trx);
    const head = await lastJournalRow(trx);
    const now = this.#now();
    const entries = chainEntries(head, drafts, now);
    await appendJournalRows(trx, entries, { outbox: true, now });
    return entries;
  }

  /**
   * Signs a checkpoint of the committed head when the policy says one is owed; returns it, or
   * undefined when none was due.
   */
  checkpointIfDue(): Promise<Checkpoint | undefined> {
    return this.#checkpoint(false);
  }

  /** Signs a checkpoint of the committed head now (undefined for an empty or checkpointed one). */
  checkpointNow(): Promise<Checkpoint | undefined> {
    return this.#checkpoint(true);
  }

  /**
   * Until `signal` aborts: takes a checkpoint whenever one is due (`checkpointIfDue`), first at
   * once and then every `checkEveryMs` (default the policy's `everyMs`, at most
   * `DEFAULT_CHECKPOINT_CHECK_MS`), so entries appended before a quiet spell are signed on time
   * rather than with the next append. A failure (the store away) goes to `onError` and the next
   * look tries again.
   */
  async keepCheckpointing(
    signal: AbortSignal,
    options: {
      readonly checkEveryMs?: number;
      readonly onError?: (error: unknown) => void;
      /** Waits `ms`, or less when `signal` aborts; never rejects. */
      readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
    } = {},
  ): Promise<void> {
    const every =
      options.checkEveryMs ?? Math.min(this.checkpointPolicy.everyMs, DEFAULT_CHECKPOINT_CHECK_MS);
    if (!(every > 0)) throw new RangeError(`checkEveryMs must be a positive number, not ${every}`);
    const sleep =
      options.sleep ??
      ((ms: number, on: AbortSignal) =>
        sleepFor(ms, undefined, { signal: on }).catch(() => undefined));
    while (!signal.aborted) {
      try {
        await this.checkpointIfDue();
      } catch (error) {
        options.onError?.(error);
      }
      if (!signal.aborted) await sleep(every, signal);
    }
  }

  #checkpoint(force: boolean): Promise<Checkpoint | undefined> {
    return this.#takeCheckpoint(force).then((checkpoint) => {
      if (checkpoint !== undefined && this.#onCheckpoint !== undefined) {
        const hook = this.#onCheckpoint;
        void Promise.resolve()
          .then(() => hook(checkpoint))
          .catch(() => undefined);
      }
      return checkpoint;
    });
  }

  /**
   * Under the journal's lock: the table row, then the file line, then the commit. A failed file
   * write rolls the table row back; a failed commit after the file write leaves a file line
   * that still vouches for a committed entry, which verification accepts.
   */
  #takeCheckpoint(force: boolean): Promise<Checkpoint | undefined> {
    return this.store.transaction(async (trx) => {
      await lock(trx);
      const head = await lastJournalRow(trx);
      if (head === undefined) return undefined;
      const last = await lastCheckpoint(trx);
      const now = this.#now();
      if (last !== undefined && last.seq >= head.seq) return undefined;
      if (!force && !checkpointDue(last, head, now, this.checkpointPolicy)) return undefined;
      const checkpoint = signCheckpoint(head, now, this.ring);
      await storeCheckpoint(trx, checkpoint);
      await fileCheckpoint(this.checkpointPath, checkpoint);
      return checkpoint;
    });
  }

  /** The last `limit` entries, oldest first. */
  tail(limit: number): Promise<JournalEntry[]> {
    return journalTail(this.store.db, limit);
  }

  /**
   * Verifies every stored entry (fields, hashes, links, contiguous seq) against the checkpoints
   * in the file, then the table's checkpoints against the file's. Returns the first problem.
   */
  async verify(): Promise<JournalReport> {
    const checkpointFile = this.checkpointPath;
    // The table first: a checkpoint reaches the file before its table row commits, so every
    // table checkpoint read now is in the file read next, even while appends go on.
    const tableCheckpoints = await allTableCheckpoints(this.store);
    const read = await readCheckpointFile(checkpointFile);
    if ('problem' in read) return { ok: false, problem: read.problem, entries: 0, checkpointFile };
    const verifier = new JournalVerifier(read.checkpoints, this.ring);
    if (verifier.problem === undefined) {
      // The store hands back rows shaped as entries: bigint seq as a number, `at` as its text.
      for await (const row of allJournalRows(this.store.db, { batchSize: 2000 }))
        if (verifier.push(row) !== undefined) break;
    }
    const result = verifier.finish();
    if (!result.ok)
      return { ok: false, problem: result.problem, entries: result.entries, checkpointFile };
    const differs = crossCheck(tableCheckpoints, read.checkpoints, checkpointFile);
    if (differs !== undefined)
      return { ok: false, problem: differs, entries: result.entries, checkpointFile };
    return {
      ok: true,
      entries: result.entries,
      lastSeq: result.lastSeq,
      lastHash: result.lastHash,
      checkpointsChecked: result.checkpointsChecked,
      lastCheckpointSeq: result.lastCheckpointSeq,
      tableCheckpoints: tableCheckpoints.length,
      checkpointFile,
    };
  }
}

/** The last `limit` stored entries, oldest first (no key ring needed: `tiergate audit log`). */
export async function journalTail(db: Executor, limit: number): Promise<JournalEntry[]> {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, not ${limit}`);
  const head = await lastJournalRow(db);
  if (head === undefined) return [];
  return readJournalRows(db, Math.max(1, head.seq - limit + 1), limit);
}

/** Takes the journal's advisory lock until `trx` ends. */
async function lock(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_KEYS[0])}, ${sql.lit(LOCK_KEYS[1])})`.execute(
    trx,
  );
}

/**
 * The file's checkpoints, as found: a line that is JSON goes to the verifier as it is (which
 * names a malformed one by its seq); a line that is not JSON is a problem here, by line number.
 * No file means no checkpoints.
 */
async function readCheckpointFile(
  path: string,
): Promise<{ checkpoints: Checkpoint[] } | { problem: JournalReportProblem }> {
  try {
    // Checked by the verifier, which trusts no field of them.
    const lines = await checkpointFileLines(path);
    return { checkpoints: lines.map(({ value }) => value as Checkpoint) };
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return { problem: { seq: 0, kind: 'checkpoint-file', message: error.message } };
  }
}

/** Every checkpoint in the store's table, by seq. */
async function allTableCheckpoints(store: Store): Promise<Checkpoint[]> {
  const rows = await store.db
    .selectFrom(TABLES.auditCheckpoint)
    .selectAll()
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: row.seq,
    hash: row.hash,
    at: row.at,
    keyId: row.key_id,
    signature: row.signature,
  }));
}

const sameCheckpoint = (a: Checkpoint, b: Checkpoint): boolean =>
  a.seq === b.seq &&
  a.hash === b.hash &&
  a.at === b.at &&
  a.keyId === b.keyId &&
  a.signature === b.signature;

/**
 * The first table checkpoint (by seq) the file lacks or holds differently. A file checkpoint
 * the table lacks is no problem: the file line is written before the table row commits.
 */
function crossCheck(
  table: readonly Checkpoint[],
  file: readonly Checkpoint[],
  path: string,
): JournalReportProblem | undefined {
  const bySeq = new Map<number, Checkpoint[]>();
  for (const checkpoint of file) {
    const list = bySeq.get(checkpoint.seq) ?? [];
    list.push(checkpoint);
    bySeq.set(checkpoint.seq, list);
  }
  for (const checkpoint of table) {
    const inFile = bySeq.get(checkpoint.seq);
    const shape = checkpointProblem(checkpoint);
    const where = `the table's checkpoint at entry ${checkpoint.seq} (${checkpoint.at})`;
    if (shape !== undefined)
      return { seq: checkpoint.seq, kind: 'checkpoint-malformed', message: `${where}: ${shape}` };
    if (inFile === undefined)
      return {
        seq: checkpoint.seq,
        kind: 'checkpoint-not-in-file',
        message: `${where} is not in ${path}: the file lost it, or the table gained it`,
      };
    if (!inFile.some((c) => sameCheckpoint(c, checkpoint)))
      return {
        seq: checkpoint.seq,
        kind: 'checkpoint-differs',
        message: `${where} differs from the one in ${path} (hash ${checkpoint.hash.slice(0, 12)}… in the table, ${inFile[0]?.hash.slice(0, 12) ?? ''}… in the file)`,
      };
  }
  return undefined;
}
