/**
 * Verification of the journal (what `tiergate audit verify` runs): every entry's fields are well
 * formed and `before`/`after` canonical, `seq` runs 1, 2, 3… with no gap or repeat, each
 * `prevHash` is the hash before it, each hash recomputes from the entry's contents, and every
 * checkpoint is signed by a known key and vouches for the very entry at its `seq`. The last
 * rule is what catches a tail rewritten with recomputed hashes (`checkpoint-mismatch`) or cut
 * off (`truncated`); a chain alone cannot.
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
  | 'truncated';

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
    const seqOf = (c: Checkpoint): number => (typeof c.seq === 'number' ? c.seq : 0);
    this.#checkpoints = [...checkpoints].sort((a, b) => seqOf(a) - seqOf(b));
    for (const checkpoint of this.#checkpoints) {
      const check = verifyCheckpoint(checkpoint, keys);
      if (!check.ok && check.kind === 'checkpoint-malformed') {
        this.#problem = {
          seq: seqOf(checkpoint),
          kind: check.kind,
          message: `checkpoint ${show(checkpoint.seq)}: ${check.message}`,
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
