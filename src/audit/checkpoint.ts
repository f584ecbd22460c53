/**
 * Checkpoints: the journal's head (`seq` and `hash` of an entry, and the time) signed with the
 * key ring's active key, and kept outside the journal's table (a JSON-lines file here; the host's
 * audit object too, wired by the caller). A bare hash chain catches edits but not a rewrite of
 * the whole tail with recomputed hashes, nor a removed tail; a signed head held elsewhere
 * catches both (see RELIABILITY.md, "what verify should mean": CloudTrail's signed digests).
 *
 * The signature covers a domain prefix and the canonical JSON of `{at, hash, seq}`. `keyId` only
 * says which key to check it with. `checkpointDue` says when the next one is owed: every N
 * entries or every M milliseconds, whichever comes first, and at once for a journal that has
 * none yet.
 */
import { verify as verifySignature } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalize } from './canonical-json.js';
import { isHexHash, isIsoUtc, show, type ChainHead } from './journal.js';
import type { KeyRing, VerifyingKeys } from './key-ring.js';

export const CHECKPOINT_DOMAIN = 'tiergate.checkpoint.v1\n';
export const DEFAULT_CHECKPOINT_PATH = join('.tiergate', 'audit-checkpoints.jsonl');

export interface Checkpoint {
  /** The entry vouched for. */
  readonly seq: number;
  /** That entry's hash. */
  readonly hash: string;
  /** When the checkpoint was made (ISO-8601 UTC). */
  readonly at: string;
  readonly keyId: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  readonly signature: string;
}

export interface CheckpointPolicy {
  /** A checkpoint at least every this many entries. */
  readonly everyEntries: number;
  /** And at least this often (ms) while entries keep coming. */
  readonly everyMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  everyEntries: 1000,
  everyMs: 15 * 60_000,
};

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** The bytes signed: the domain prefix and the canonical JSON of `{at, hash, seq}`. */
export function checkpointMessage(checkpoint: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): string {
  return (
    CHECKPOINT_DOMAIN +
    canonicalize({ at: checkpoint.at, hash: checkpoint.hash, seq: checkpoint.seq })
  );
}

/** A checkpoint for `head`, signed with the ring's active key. */
export function signCheckpoint(head: ChainHead, now: Date, ring: KeyRing): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, at: now.toISOString() };
  if (!Number.isSafeInteger(body.seq) || body.seq < 1 || !isHexHash(body.hash))
    throw new CheckpointError(
      `cannot checkpoint entry ${show(body.seq)} with hash ${show(body.hash)}`,
    );
  return { ...body, ...ring.sign(checkpointMessage(body)) };
}

const KEY_ID = /^[0-9a-f]{16}$/;

/** What is wrong with a checkpoint's shape, or undefined. */
export function checkpointProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `a checkpoint must be an object, not ${show(value)}`;
  const { seq, hash, at, keyId, signature } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return `seq must be a positive integer, not ${show(seq)}`;
  if (typeof hash !== 'string' || !isHexHash(hash))
    return `hash must be 64 lowercase hex digits, not ${show(hash)}`;
  if (typeof at !== 'string' || !isIsoUtc(at))
    return `at must be an ISO-8601 UTC time, not ${show(at)}`;
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId))
    return `keyId must be 16 lowercase hex digits, not ${show(keyId)}`;
  if (typeof signature !== 'string' || !isSignatureText(signature))
    return `signature must be 64 bytes in base64, not ${show(signature)}`;
  return undefined;
}

/** Strict base64 of 64 bytes: lenient decoding would let altered text pass as the same bytes. */
function isSignatureText(text: string): boolean {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === text;
}

/** Checks the shape of a value read from storage and returns it as a checkpoint. */
export function parseCheckpoint(value: unknown): Checkpoint {
  const problem = checkpointProblem(value);
  if (problem !== undefined) throw new CheckpointError(problem);
  const { seq, hash, at, keyId, signature } = value as Checkpoint;
  return { seq, hash, at, keyId, signature };
}

export type CheckpointCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly kind: 'checkpoint-malformed' | 'unknown-key' | 'checkpoint-signature';
      readonly message: string;
    };

/** Whether the checkpoint is well formed and signed by a key `keys` knows. */
export function verifyCheckpoint(checkpoint: Checkpoint, keys: VerifyingKeys): CheckpointCheck {
  const problem = checkpointProblem(checkpoint);
  if (problem !== undefined) return { ok: false, kind: 'checkpoint-malformed', message: problem };
  const key = keys.publicKey(checkpoint.keyId);
  if (key === undefined)
    return {
      ok: false,
      kind: 'unknown-key',
      message: `signed by key ${checkpoint.keyId}, which is not among the keys given (the key ring or the public keys of --keys)`,
    };
  const good = verifySignature(
    null,
    Buffer.from(checkpointMessage(checkpoint), 'utf8'),
    key,
    Buffer.from(checkpoint.signature, 'base64'),
  );
  return good
    ? { ok: true }
    : {
        ok: false,
        kind: 'checkpoint-signature',
        message: `its signature does not verify with key ${checkpoint.keyId}`,
      };
}

/**
 * Whether a checkpoint is owed for `lastEntry`: never for an empty journal or a head already
 * checkpointed; at once when there is no checkpoint yet; else when `everyEntries` entries or
 * `everyMs` milliseconds have passed since the last one.
 */
export function checkpointDue(
  lastCheckpoint: Pick<Checkpoint, 'seq' | 'at'> | undefined,
  lastEntry: ChainHead | undefined,
  now: Date,
  policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
): boolean {
  if (lastEntry === undefined) return false;
  if (lastCheckpoint === undefined) return true;
  if (lastEntry.seq <= lastCheckpoint.seq) return false;
  if (lastEntry.seq - lastCheckpoint.seq >= policy.everyEntries) return true;
  return now.getTime() - Date.parse(lastCheckpoint.at) >= policy.everyMs;
}

/**
 * Appends one checkpoint as a JSON line (creating the file and its directory). A last line cut
 * short by a crash is closed first, so the new checkpoint stays readable.
 */
export async function appendCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await appendCheckpoints(path, [checkpoint]);
}

/** Appends checkpoints as JSON lines, in the order given, with one write and one sync. */
async function appendCheckpoints(path: string, checkpoints: readonly Checkpoint[]): Promise<void> {
  for (const checkpoint of checkpoints) {
    const problem = checkpointProblem(checkpoint);
    if (problem !== undefined) throw new CheckpointError(problem);
  }
  if (checkpoints.length === 0) return;
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const lines = checkpoints.map(({ seq, hash, at, keyId, signature }) =>
      JSON.stringify({ seq, hash, at, keyId, signature }),
    );
    await handle.appendFile(`${prefix}${lines.join('\n')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes the file a faithful copy of the shared history: appends, in seq order, every checkpoint
 * of `history` (the store's, committed) that the file lacks. Replicas share one store but each
 * keeps its own file, so a replica's file gains the checkpoints other replicas took the next
 * time it writes one. Lines the file holds that `history` lacks are left alone: they are
 * evidence for `verify`, never rewritten. Returns how many lines were appended.
 */
export function syncCheckpointFile(path: string, history: readonly Checkpoint[]): Promise<number> {
  // One sync per file at a time in this process, so two journals sharing a directory do not
  // both append what the file lacked (duplicates would be harmless, only noisy).
  const previous = syncing.get(path) ?? Promise.resolve(0);
  const next = previous.catch(() => 0).then(() => syncNow(path, history));
  syncing.set(path, next);
  void next
    .finally(() => {
      if (syncing.get(path) === next) syncing.delete(path);
    })
    .catch(() => undefined);
  return next;
}

const syncing = new Map<string, Promise<number>>();

async function syncNow(path: string, history: readonly Checkpoint[]): Promise<number> {
  const held = new Set<string>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const line of text.split('\n')) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // A damaged line is for verify to report; it must not stop new checkpoints.
    }
    if (checkpointProblem(value) !== undefined) continue;
    const c = value as Checkpoint;
    held.add(`${c.seq} ${c.hash} ${c.at} ${c.keyId} ${c.signature}`);
  }
  const missing = [...history]
    .sort((a, b) => a.seq - b.seq)
    .filter((c) => !held.has(`${c.seq} ${c.hash} ${c.at} ${c.keyId} ${c.signature}`));
  await appendCheckpoints(path, missing);
  return missing.length;
}

/**
 * The JSON value of every non-blank line of a checkpoint file, with its line number, in file
 * order (none when the file does not exist). A line that is not JSON is a CheckpointError
 * naming the file and the line.
 */
export async function checkpointFileLines(
  path: string,
): Promise<{ readonly line: number; readonly value: unknown }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const values: { line: number; value: unknown }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      values.push({ line: i + 1, value: JSON.parse(line) });
    } catch (error) {
      throw new CheckpointError(`${path} line ${i + 1}: not JSON (${(error as Error).message})`);
    }
  }
  return values;
}

/**
 * Every checkpoint in a JSON-lines file, in file order (none when the file does not exist).
 * A line that is not a checkpoint is an error naming the file and the line number; blank lines
 * are skipped.
 */
export async function readCheckpoints(path: string): Promise<Checkpoint[]> {
  return (await checkpointFileLines(path)).map(({ line, value }) => {
    const problem = checkpointProblem(value);
    if (problem !== undefined) throw new CheckpointError(`${path} line ${line}: ${problem}`);
    return parseCheckpoint(value);
  });
}
