/**
 * The journal kept in the store (the persistent part): `Journal` chains drafts
 * onto the stored head and writes each entry with its outbox row in one transaction, signs a
 * checkpoint of the head every N entries or M minutes into the store's table (the history all
 * replicas share), then copies the table's checkpoints into a JSON-lines file outside it; and
 * `verifyStoredJournal` checks the entries against the checkpoints of the table, the file and
 * the host together, and what each place holds against the others (`checkpointPresence`).
 *
 * Why several places: a hash chain alone cannot tell a table rewritten from some entry on, hashes
 * and links recomputed, from the real one, nor notice a removed tail. A signed head kept outside
 * the table can; and a checkpoint deleted from one place is missed by the others.
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
import {
  appendCheckpoint as storeCheckpoint,
  appendJournalRows,
  lastCheckpoint,
  lastJournalRow,
  listCheckpoints,
  lockJournal as lock,
  readJournalRows,
  type JournalRow,
} from '../store/journal-rows.js';
import { deliveredJournalSeqs } from '../store/outbox.js';
import type { Executor, StoreTransaction } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { Manifest } from '../twenty-app/manifest.js';
import {
  CheckpointError,
  checkpointDue,
  checkpointFileLines,
  checkpointProblem,
  DEFAULT_CHECKPOINT_PATH,
  DEFAULT_CHECKPOINT_POLICY,
  signCheckpoint,
  syncCheckpointFile,
  type Checkpoint,
  type CheckpointPolicy,
} from './checkpoint.js';
import { HostEntryCheck, type HostCopy } from './host-copy.js';
import { chainEntries, type JournalDraft, type JournalEntry } from './journal.js';
import { DEFAULT_KEY_RING_PATH, KeyRing, type VerifyingKeys } from './key-ring.js';
import {
  checkpointPresence,
  JournalVerifier,
  type ProblemKind,
  type StoreCheckpoint,
} from './verify.js';

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
  | 'checkpoint-file';

export interface JournalReportProblem {
  /** The entry (or checkpoint) where things go wrong; 0 when no seq can be named. */
  readonly seq: number;
  readonly kind: JournalReportProblemKind;
  readonly message: string;
}

/** Whether the host's copy was compared, and if not, why not (which is no pass). */
export type HostComparison =
  | {
      readonly compared: true;
      /** Entry records found equal to their journal entries. */
      readonly entries: number;
      readonly checkpoints: number;
    }
  | { readonly compared: false; readonly reason: string };

/** What `verify()` found: the first problem, or the verified head and what vouches for it. */
export type JournalReport =
  | {
      readonly ok: true;
      readonly entries: number;
      readonly lastSeq: number;
      readonly lastHash: string;
      /** Checkpoints (from every place) matched against their entries. */
      readonly checkpointsChecked: number;
      /** The last entry a checkpoint vouches for (0 for none). */
      readonly lastCheckpointSeq: number;
      /** Checkpoints in the store's table. */
      readonly tableCheckpoints: number;
      /** Store checkpoints newer than the file's newest: not copied to this file yet. */
      readonly notYetInFile: number;
      readonly checkpointFile: string;
      readonly host: HostComparison;
    }
  | {
      readonly ok: false;
      readonly problem: JournalReportProblem;
      /** Entries found good before the problem. */
      readonly entries: number;
      readonly checkpointFile: string;
      readonly host: HostComparison;
    };

export interface VerifyOptions {
  /** The checkpoint file (absolute). */
  readonly checkpointPath: string;
  /** The host's copy, read BEFORE this call (see `checkpointPresence` on read order). */
  readonly host?: HostCopy;
  /** Why the host's copy was not read, when it was not. */
  readonly hostSkipped?: string;
  /**
   * What the store said had reached the host, read BEFORE the host's copy (`hostClaims`): the
   * relay delivers while the host is read, and only what was delivered before the reading began
   * must be found in it. Read here, after the host, when not given.
   */
  readonly hostClaims?: HostClaims;
  readonly manifest?: Manifest;
}

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
    options: { readonly trx?: StoreTransaction } = {},
  ): Promise<JournalEntry[]> {
    if (drafts.length === 0) return [];
    if (options.trx !== undefined) return this.#appendIn(options.trx, drafts);
    const entries = await this.store.transaction((trx) => this.#appendIn(trx, drafts));
    await this.checkpointIfDue();
    return entries;
  }

  async #appendIn(trx: StoreTransaction, drafts: readonly JournalDraft[]): Promise<JournalEntry[]> {
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
   * Under the journal's lock, the table row; after the commit, the file: every table checkpoint
   * the file lacks, in seq order (`syncCheckpointFile`), so each replica's file is a copy of the
   * one shared history. The table is the source and the file a copy that may lag (a crash
   * between the commit and the file write; the next checkpoint fills the gap), never lead.
   */
  async #takeCheckpoint(force: boolean): Promise<Checkpoint | undefined> {
    const checkpoint = await this.store.transaction(async (trx) => {
      await lock(trx);
      const head = await lastJournalRow(trx);
      if (head === undefined) return undefined;
      const last = await lastCheckpoint(trx);
      const now = this.#now();
      if (last !== undefined && last.seq >= head.seq) return undefined;
      if (!force && !checkpointDue(last, head, now, this.checkpointPolicy)) return undefined;
      const signed = signCheckpoint(head, now, this.ring);
      await storeCheckpoint(trx, signed);
      return signed;
    });
    if (checkpoint !== undefined)
      await syncCheckpointFile(this.checkpointPath, await listCheckpoints(this.store.db));
    return checkpoint;
  }

  /** The last `limit` entries, oldest first. */
  tail(limit: number): Promise<JournalEntry[]> {
    return journalTail(this.store.db, limit);
  }

  /**
   * Verifies the journal against every place its checkpoints are kept (see
   * `verifyStoredJournal`), with this journal's key ring and checkpoint file.
   */
  verify(options: Omit<VerifyOptions, 'checkpointPath'> = {}): Promise<JournalReport> {
    return verifyStoredJournal(this.store, this.ring, {
      ...options,
      checkpointPath: this.checkpointPath,
    });
  }
}

/**
 * Verifies every stored entry (fields, hashes, links, contiguous seq) against the checkpoints
 * of the store's table, the file and the host together: each must be signed by one of `keys`
 * and match the entry at its seq, and the journal must reach the newest of them. Then what each
 * place holds is compared (`checkpointPresence`), and each entry record on the host with its
 * entry (`HostEntryCheck`). Returns the first problem. Reads only: it never writes to the store,
 * the file or the host, which are its evidence. A store that cannot be read (a row that does
 * not decode) is a `store-unreadable` problem naming the last good entry, not an exception.
 */
export async function verifyStoredJournal(
  store: Store,
  keys: VerifyingKeys,
  options: VerifyOptions,
): Promise<JournalReport> {
  const checkpointFile = options.checkpointPath;
  const host: HostComparison =
    options.host === undefined
      ? { compared: false, reason: options.hostSkipped ?? 'no host was given' }
      : { compared: true, entries: 0, checkpoints: options.host.checkpoints.length };
  const failed = (problem: JournalReportProblem, entries: number): JournalReport => ({
    ok: false,
    problem,
    entries,
    checkpointFile,
    host,
  });
  // Copies before their source: a checkpoint taken meanwhile reaches the table first.
  const read = await readCheckpointFile(checkpointFile);
  if ('problem' in read) return failed(read.problem, 0);
  let tableCheckpoints: StoreCheckpoint[];
  let delivered: ReadonlySet<number>;
  try {
    const claims = options.hostClaims;
    tableCheckpoints = (await listCheckpoints(store.db)).map((checkpoint) =>
      claims === undefined
        ? checkpoint
        : { ...checkpoint, mirrored: claims.mirrored.has(checkpoint.seq) },
    );
    delivered = claims?.delivered ?? new Set(await deliveredJournalSeqs(store.db));
  } catch (error) {
    return failed(unreadable(store, 0, error), 0);
  }
  const hostCheckpoints = (options.host?.checkpoints ?? []) as Checkpoint[];
  const places: [string, readonly unknown[]][] = [
    ["the store's checkpoint table", tableCheckpoints],
    [checkpointFile, read.checkpoints],
    ["the host's audit object", hostCheckpoints],
  ];
  // A malformed checkpoint is named with its place here; the verifier would not know it.
  for (const [where, list] of places)
    for (const value of list) {
      const shape = checkpointProblem(value);
      if (shape === undefined) continue;
      const seq = (value as { seq?: unknown } | null)?.seq;
      return failed(
        {
          seq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : 0,
          kind: 'checkpoint-malformed',
          message: `a checkpoint in ${where}: ${shape}`,
        },
        0,
      );
    }
  const verifier = new JournalVerifier(
    distinct([...tableCheckpoints, ...read.checkpoints, ...hostCheckpoints]),
    keys,
  );
  const hostCheck =
    options.host === undefined
      ? undefined
      : new HostEntryCheck(options.host, (seq) => delivered.has(seq), options.manifest);
  let problem: JournalReportProblem | undefined = verifier.problem ?? hostCheck?.start();
  let lastSeq = 0;
  const push = (row: JournalRow): boolean => {
    // The store hands back rows shaped as entries: bigint seq as a number, `at` as its text.
    problem = verifier.push(row) ?? hostCheck?.check(row);
    if (problem === undefined) lastSeq = row.seq;
    return problem === undefined;
  };
  let from = 1;
  while (problem === undefined) {
    let rows: JournalRow[];
    try {
      rows = await readJournalRows(store.db, from, VERIFY_BATCH);
    } catch {
      // A row in this batch does not decode: read one at a time to name the last good one.
      for (;;) {
        let one: JournalRow[];
        try {
          one = await readJournalRows(store.db, from, 1);
        } catch (error) {
          problem = unreadable(store, lastSeq, error);
          break;
        }
        const row = one[0];
        if (row === undefined || !push(row)) break;
        from = row.seq + 1;
      }
      break;
    }
    for (const row of rows) if (!push(row)) break;
    const last = rows.at(-1);
    if (last === undefined || rows.length < VERIFY_BATCH) break;
    from = last.seq + 1;
  }
  if (problem !== undefined) return failed(problem, lastSeq);
  const result = verifier.finish();
  if (!result.ok) return failed(result.problem, result.entries);
  problem = hostCheck?.finish(result.lastSeq);
  if (problem !== undefined) return failed(problem, result.entries);
  const presence = checkpointPresence({
    store: tableCheckpoints,
    file: read.checkpoints,
    filePath: checkpointFile,
    ...(options.host === undefined ? {} : { host: hostCheckpoints }),
  });
  if (presence.problem !== undefined) return failed(presence.problem, result.entries);
  return {
    ok: true,
    entries: result.entries,
    lastSeq: result.lastSeq,
    lastHash: result.lastHash,
    checkpointsChecked: result.checkpointsChecked,
    lastCheckpointSeq: result.lastCheckpointSeq,
    tableCheckpoints: tableCheckpoints.length,
    notYetInFile: presence.notYetInFile,
    checkpointFile,
    host:
      host.compared && hostCheck !== undefined ? { ...host, entries: hostCheck.compared } : host,
  };
}

const VERIFY_BATCH = 2000;

/** One of each checkpoint the places share (compared by every field, shape unchecked). */
function distinct(checkpoints: readonly Checkpoint[]): Checkpoint[] {
  const seen = new Map<string, Checkpoint>();
  for (const c of checkpoints) {
    const { seq, hash, at, keyId, signature } = (
      typeof c === 'object' && c !== null ? c : {}
    ) as Partial<Checkpoint>;
    const key = JSON.stringify([seq, hash, at, keyId, signature, typeof c]);
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}

/** A read of the store that failed: where, after which entry, and the driver's words. */
function unreadable(store: Store, lastGood: number, error: unknown): JournalReportProblem {
  const why = error instanceof Error ? error.message : String(error);
  return {
    seq: lastGood + 1,
    kind: 'store-unreadable',
    message: `the store (${store.location}) cannot be read ${lastGood === 0 ? 'from its first entry' : `after entry ${lastGood}, the last good entry`}: ${why}`,
  };
}

/** What the store says reached the host: entries delivered and checkpoints mirrored, by seq. */
export interface HostClaims {
  readonly delivered: ReadonlySet<number>;
  readonly mirrored: ReadonlySet<number>;
}

/** Reads `HostClaims`; take it before reading the host's copy. */
export async function hostClaims(store: Store): Promise<HostClaims> {
  const delivered = new Set(await deliveredJournalSeqs(store.db));
  const mirrored = new Set(
    (await listCheckpoints(store.db)).filter((c) => c.mirrored).map((c) => c.seq),
  );
  return { delivered, mirrored };
}

/** The last `limit` stored entries, oldest first (no key ring needed: `tiergate audit log`). */
export async function journalTail(db: Executor, limit: number): Promise<JournalEntry[]> {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, not ${limit}`);
  const head = await lastJournalRow(db);
  if (head === undefined) return [];
  return readJournalRows(db, Math.max(1, head.seq - limit + 1), limit);
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
