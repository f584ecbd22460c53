/**
 * Verification of the journal (what `tiergate audit verify` runs): every entry's fields are well
 * formed and `before`/`after` canonical, `seq` runs 1, 2, 3… with no gap or repeat, each
 * `prevHash` is the hash before it, each hash recomputes from the entry's contents, and every
 * checkpoint is signed by a known key and vouches for the very entry at its `seq`. The last
 * rule is what catches a tail rewritten with recomputed hashes (`checkpoint-mismatch`) or cut
 * off (`truncated`); a chain alone cannot.
 *
 * The checkpoints come from every place they are kept (the store's table, the replica's file,
 * the host's audit object); `checkpointPresence` then says what the places must agree on.
 *
 * It streams: one entry at a time, holding only the previous entry's `seq` and hash, so memory
 * does not grow with the journal. It stops at the first problem, in `seq` order, and names that
 * entry in a message ready for the command line. The verifier is strict and independent of the
 * store: it trusts nothing read back (types included), as RELIABILITY.md's immudb lesson asks.
 */
import { hash as sha256 } from 'node:crypto';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  entryFieldProblem,
  GENESIS_PREV_HASH,
  hashInput,
  show,
  type JournalEntry,
} from './journal.js';
import type { VerifyingKeys } from './key-ring.js';

export type ProblemKind =
  | 'malformed'
  | 'not-canonical'
  | 'seq-gap'
  | 'seq-duplicate'
  | 'broken-link'
  | 'hash-mismatch'
  | 'checkpoint-malformed'
  | 'checkpoint-signature'
  | 'unknown-key'
  | 'checkpoint-mismatch'
  | 'truncated'
  /** The file or the host holds a checkpoint the store's table lacks: deleted from the store. */
  | 'checkpoint-not-in-store'
  /** The file or the host holds another checkpoint than the store's at one seq. */
  | 'checkpoint-differs'
  /** The file lacks a store checkpoint although it holds later ones: deleted from the file. */
  | 'checkpoint-not-in-file'
  /** The store says a checkpoint reached the host, and the host lacks it. */
  | 'checkpoint-not-on-host'
  /** The host's record of an entry says something else than the journal. */
  | 'host-entry-differs'
  /** The store says an entry reached the host, and the host lacks it. */
  | 'entry-not-on-host'
  /** The store cannot be read (a row that does not decode, a damaged file). */
  | 'store-unreadable';

export interface JournalProblem {
  /**
   * The entry where the journal goes wrong: the `seq` expected at that position (for a gap, the
   * first missing one; for a truncated tail, the first removed one), or the checkpoint's `seq`
   * for a checkpoint that is itself bad.
   */
  readonly seq: number;
  readonly kind: ProblemKind;
  /** One line for the command line: "entry 17: hash does not match its contents (…)". */
  readonly message: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly entries: number;
      /** 0 and `GENESIS_PREV_HASH` for an empty journal. */
      readonly lastSeq: number;
      readonly lastHash: string;
      readonly checkpointsChecked: number;
      /** The last entry a checkpoint vouches for (0 for none): entries after it are unanchored. */
      readonly lastCheckpointSeq: number;
    }
  | {
      readonly ok: false;
      readonly problem: JournalProblem;
      /** Entries found good before the problem. */
      readonly entries: number;
    };

const short = (hex: string): string => `${hex.slice(0, 12)}…`;

/**
 * The verifier one entry at a time, for a caller that reads the journal in pages: `push` each
 * entry in `seq` order (it returns the first problem, and keeps returning it), then `finish`.
 */
export class JournalVerifier {
  readonly #checkpoints: readonly Checkpoint[];
  readonly #keys: VerifyingKeys;
  #next = 0;
  #lastSeq = 0;
  #lastHash = GENESIS_PREV_HASH;
  #count = 0;
  #checked = 0;
  #lastCheckpointSeq = 0;
  #problem: JournalProblem | undefined;

  constructor(checkpoints: readonly Checkpoint[], keys: VerifyingKeys) {
    this.#keys = keys;
    // Checkpoints come from files and the host as found: not even an object is taken for granted.
    const seqOf = (c: Checkpoint): number =>
      typeof c === 'object' && c !== null && typeof c.seq === 'number' ? c.seq : 0;
    this.#checkpoints = [...checkpoints].sort((a, b) => seqOf(a) - seqOf(b));
    for (const checkpoint of this.#checkpoints) {
      const check = verifyCheckpoint(checkpoint, keys);
      if (!check.ok && check.kind === 'checkpoint-malformed') {
        this.#problem = {
          seq: seqOf(checkpoint),
          kind: check.kind,
          message: `checkpoint ${show(seqOf(checkpoint))}: ${check.message}`,
        };
        break;
      }
    }
  }

  get problem(): JournalProblem | undefined {
    return this.#problem;
  }

  push(entry: JournalEntry): JournalProblem | undefined {
    if (this.#problem !== undefined) return this.#problem;
    const expected = this.#lastSeq + 1;
    const seq: unknown = entry.seq;
    if (seq !== expected) return this.#seqProblem(expected, seq);
    const field = entryFieldProblem(entry);
    if (field !== undefined)
      return this.#fail(expected, field.kind, `entry ${expected}: ${field.message}`);
    if (entry.prevHash !== this.#lastHash)
      return this.#fail(
        expected,
        'broken-link',
        expected === 1
          ? `entry 1: prevHash ${show(entry.prevHash)} is not the genesis hash (64 zeros)`
          : `entry ${expected}: prevHash ${show(entry.prevHash)} is not the hash of entry ${this.#lastSeq} (${short(this.#lastHash)})`,
      );
    const computed = sha256('sha256', hashInput(entry, entry.prevHash), 'hex');
    if (computed !== entry.hash)
      return this.#fail(
        expected,
        'hash-mismatch',
        `entry ${expected}: hash does not match its contents (stored ${typeof entry.hash === 'string' ? short(entry.hash) : show(entry.hash)}, computed ${short(computed)})`,
      );
    this.#lastSeq = expected;
    this.#lastHash = computed;
    this.#count++;
    const checkpoints = this.#checkpoints;
    while (
      this.#next < checkpoints.length &&
      (checkpoints[this.#next] as Checkpoint).seq === expected
    ) {
      const problem = this.#checkpointAt(checkpoints[this.#next] as Checkpoint, computed);
      if (problem !== undefined) return problem;
      this.#next++;
    }
    return undefined;
  }

  /** The verdict once every entry is pushed: checkpoints beyond the last entry mean a cut tail. */
  finish(): VerifyResult {
    const checkpoints = this.#checkpoints;
    while (this.#problem === undefined && this.#next < checkpoints.length) {
      const checkpoint = checkpoints[this.#next] as Checkpoint;
      const signed = this.#signatureProblem(checkpoint);
      if (signed !== undefined) break;
      this.#fail(
        this.#lastSeq + 1,
        'truncated',
        `entry ${this.#lastSeq + 1} is missing: the journal ends at entry ${this.#lastSeq} but a signed checkpoint of ${checkpoint.at} vouches for entry ${checkpoint.seq}, so its tail was removed`,
      );
    }
    if (this.#problem !== undefined)
      return { ok: false, problem: this.#problem, entries: this.#count };
    return {
      ok: true,
      entries: this.#count,
      lastSeq: this.#lastSeq,
      lastHash: this.#lastHash,
      checkpointsChecked: this.#checked,
      lastCheckpointSeq: this.#lastCheckpointSeq,
    };
  }

  #fail(seq: number, kind: ProblemKind, message: string): JournalProblem {
    this.#problem = { seq, kind, message };
    return this.#problem;
  }

  #seqProblem(expected: number, seq: unknown): JournalProblem {
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
      return this.#fail(
        expected,
        'malformed',
        `entry ${expected}: seq must be a positive integer, not ${show(seq)}`,
      );
    const after =
      expected === 1 ? 'the journal starts with' : `entry ${this.#lastSeq} is followed by`;
    if (seq > expected)
      return this.#fail(expected, 'seq-gap', `entry ${expected} is missing: ${after} entry ${seq}`);
    return this.#fail(
      expected,
      'seq-duplicate',
      `entry ${expected}: ${after} entry ${seq} again (a repeated or reordered entry)`,
    );
  }

  #signatureProblem(checkpoint: Checkpoint): JournalProblem | undefined {
    const check = verifyCheckpoint(checkpoint, this.#keys);
    if (check.ok) return undefined;
    return this.#fail(
      checkpoint.seq,
      check.kind,
      `checkpoint at entry ${checkpoint.seq} (${checkpoint.at}): ${check.message}`,
    );
  }

  #checkpointAt(checkpoint: Checkpoint, entryHash: string): JournalProblem | undefined {
    const signed = this.#signatureProblem(checkpoint);
    if (signed !== undefined) return signed;
    if (checkpoint.hash !== entryHash) {
      const since =
        this.#lastCheckpointSeq === 0
          ? 'no earlier checkpoint matches, so it may have been rewritten from its start'
          : `it was rewritten after entry ${this.#lastCheckpointSeq}, the last checkpoint that matches`;
      return this.#fail(
        checkpoint.seq,
        'checkpoint-mismatch',
        `entry ${checkpoint.seq}: hash ${short(entryHash)} differs from the signed checkpoint of ${checkpoint.at} (${short(checkpoint.hash)}): ${since}`,
      );
    }
    this.#checked++;
    this.#lastCheckpointSeq = checkpoint.seq;
    return undefined;
  }
}

/**
 * Verifies a whole journal, read in `seq` order, against its checkpoints. Returns the first
 * problem, or the head it verified.
 */
export async function verifyJournal(
  entries: AsyncIterable<JournalEntry> | Iterable<JournalEntry>,
  checkpoints: readonly Checkpoint[],
  keys: VerifyingKeys,
): Promise<VerifyResult> {
  const verifier = new JournalVerifier(checkpoints, keys);
  if (verifier.problem !== undefined) return verifier.finish();
  if (Symbol.iterator in entries) {
    // A plain loop: `for await` over a synchronous source costs a microtask per entry.
    for (const entry of entries) if (verifier.push(entry) !== undefined) break;
  } else {
    for await (const entry of entries) if (verifier.push(entry) !== undefined) break;
  }
  return verifier.finish();
}

/** A checkpoint of the store's table, and whether the relay marked it delivered to the host. */
export interface StoreCheckpoint extends Checkpoint {
  readonly mirrored: boolean;
}

/**
 * The checkpoints each place holds. The store's table is the one shared history every replica
 * writes to; each replica's file and the host's audit object are copies of it, so whatever they
 * hold must be in the table, and what the table holds must be in them unless it has not been
 * copied yet (see `checkpointPresence`).
 */
export interface CheckpointPlaces {
  readonly store: readonly StoreCheckpoint[];
  readonly file: readonly Checkpoint[];
  /** The file's path, for messages. */
  readonly filePath: string;
  /** The host's checkpoints; undefined when the host was not compared. */
  readonly host?: readonly Checkpoint[];
}

/** Every signed field: two places hold the same checkpoint when all of these agree. */
const checkpointKey = (c: Checkpoint): string =>
  `${String(c.seq)} ${c.hash} ${c.at} ${c.keyId} ${c.signature}`;

const bySeq = (a: Checkpoint, b: Checkpoint): number => a.seq - b.seq;

/**
 * What the places must agree on, beyond each checkpoint being signed and matching its entry
 * (the verifier's part, over the union of all places):
 *
 * - the file and the host hold nothing the store lacks (a copy cannot know more than its
 *   source: a checkpoint only there was deleted from the store, or the store's was replaced);
 * - the file holds every store checkpoint up to the newest one it holds: the file is appended
 *   the store's checkpoints in seq order (`syncCheckpointFile`), so a gap was cut out of it.
 *   Store checkpoints above the file's newest are not yet copied (another replica took them, or
 *   a crash came between the commit and the file): they are counted, not failed, and still
 *   verified from the store;
 * - the host holds every store checkpoint the relay marked as delivered there.
 *
 * Callers read the places in the order copies are made from them (host, file, then store), so a
 * checkpoint taken meanwhile shows up in the store without being missed by a copy read before.
 */
export function checkpointPresence(places: CheckpointPlaces): {
  readonly problem: JournalProblem | undefined;
  /** Store checkpoints newer than the file's newest, which the file has not copied yet. */
  readonly notYetInFile: number;
} {
  const store = [...places.store].sort(bySeq);
  const inStore = new Set(store.map(checkpointKey));
  const storeSeqs = new Set(store.map((c) => c.seq));
  const copies: [string, readonly Checkpoint[] | undefined][] = [
    [places.filePath, places.file],
    ["the host's audit object", places.host],
  ];
  for (const [where, list] of copies) {
    for (const checkpoint of [...(list ?? [])].sort(bySeq)) {
      if (inStore.has(checkpointKey(checkpoint))) continue;
      const at = `the checkpoint at entry ${checkpoint.seq} (${checkpoint.at}) in ${where}`;
      const problem: JournalProblem = storeSeqs.has(checkpoint.seq)
        ? {
            seq: checkpoint.seq,
            kind: 'checkpoint-differs',
            message: `${at} differs from the store's checkpoint at that entry: one of them was replaced`,
          }
        : {
            seq: checkpoint.seq,
            kind: 'checkpoint-not-in-store',
            message: `${at} is not in the store's checkpoint table: it was deleted from the store`,
          };
      return { problem, notYetInFile: 0 };
    }
  }
  const inFile = new Set(places.file.map(checkpointKey));
  const fileNewest = places.file.reduce((max, c) => Math.max(max, c.seq), 0);
  let notYetInFile = 0;
  for (const checkpoint of store) {
    if (inFile.has(checkpointKey(checkpoint))) continue;
    if (checkpoint.seq > fileNewest) {
      notYetInFile++;
      continue;
    }
    return {
      problem: {
        seq: checkpoint.seq,
        kind: 'checkpoint-not-in-file',
        message: `the store's checkpoint at entry ${checkpoint.seq} (${checkpoint.at}) is missing from ${places.filePath}, which holds checkpoints up to entry ${fileNewest}: it was deleted from the file (a file written before replicas shared one history gets it back with this replica's next checkpoint)`,
      },
      notYetInFile: 0,
    };
  }
  if (places.host !== undefined) {
    const onHost = new Set(places.host.map(checkpointKey));
    const lost = store.find((c) => c.mirrored && !onHost.has(checkpointKey(c)));
    if (lost !== undefined)
      return {
        problem: {
          seq: lost.seq,
          kind: 'checkpoint-not-on-host',
          message: `the store's checkpoint at entry ${lost.seq} (${lost.at}) was delivered to the host's audit object, which no longer holds it: it was deleted or changed there`,
        },
        notYetInFile,
      };
  }
  return { problem: undefined, notYetInFile };
}
