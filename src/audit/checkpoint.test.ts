import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendCheckpoint,
  checkpointDue,
  checkpointMessage,
  CheckpointError,
  readCheckpoints,
  signCheckpoint,
  syncCheckpointFile,
  verifyCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import { KeyRing } from './key-ring.js';

const NOON = new Date(Date.UTC(2026, 0, 31, 12));
const HEAD = { seq: 10, hash: 'c0ffee'.padEnd(64, '0') };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiergate-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signCheckpoint and verifyCheckpoint', () => {
  const ring = KeyRing.generate();
  const checkpoint = signCheckpoint(HEAD, NOON, ring);

  it('signs the head with the active key, and the signature verifies', () => {
    expect(checkpoint).toMatchObject({
      seq: 10,
      hash: HEAD.hash,
      at: '2026-01-31T12:00:00.000Z',
      keyId: ring.activeKeyId,
    });
    expect(verifyCheckpoint(checkpoint, ring)).toEqual({ ok: true });
  });

  it('signs a domain-prefixed canonical JSON of at, hash and seq', () => {
    expect(checkpointMessage(checkpoint)).toBe(
      `tiergate.checkpoint.v1\n{"at":"2026-01-31T12:00:00.000Z","hash":"${HEAD.hash}","seq":10}`,
    );
  });

  it.each([
    ['seq', { seq: 11 }],
    ['hash', { hash: 'd'.repeat(64) }],
    ['at', { at: '2026-01-31T12:00:00.001Z' }],
  ])('detects a changed %s', (_field, patch) => {
    const check = verifyCheckpoint({ ...checkpoint, ...patch }, ring);
    expect(check).toMatchObject({ ok: false, kind: 'checkpoint-signature' });
  });

  it('detects a signature made by another key under this key id', () => {
    const other = KeyRing.generate();
    const forged = { ...signCheckpoint(HEAD, NOON, other), keyId: ring.activeKeyId };
    expect(verifyCheckpoint(forged, ring)).toMatchObject({ kind: 'checkpoint-signature' });
  });

  it('names a key the ring does not hold', () => {
    const other = KeyRing.generate();
    expect(verifyCheckpoint(signCheckpoint(HEAD, NOON, other), ring)).toEqual({
      ok: false,
      kind: 'unknown-key',
      message: `signed by key ${other.activeKeyId}, which is not among the keys given (the key ring or the public keys of --keys)`,
    });
  });

  it('keeps verifying a checkpoint after the ring rotates', () => {
    const rotating = KeyRing.generate();
    const before = signCheckpoint(HEAD, NOON, rotating);
    rotating.rotate();
    expect(verifyCheckpoint(before, rotating)).toEqual({ ok: true });
    expect(signCheckpoint(HEAD, NOON, rotating).keyId).not.toBe(before.keyId);
  });

  it('refuses signature text that only decodes leniently to the same bytes', () => {
    const sloppy = { ...checkpoint, signature: `${checkpoint.signature}AA` };
    expect(verifyCheckpoint(sloppy, ring)).toMatchObject({ kind: 'checkpoint-malformed' });
    const unpadded = { ...checkpoint, signature: checkpoint.signature.replace(/=+$/, '') };
    expect(verifyCheckpoint(unpadded, ring)).toMatchObject({ kind: 'checkpoint-malformed' });
  });

  it('refuses to checkpoint a head that is not an entry', () => {
    expect(() => signCheckpoint({ seq: 0, hash: HEAD.hash }, NOON, ring)).toThrow(CheckpointError);
    expect(() => signCheckpoint({ seq: 1, hash: 'x' }, NOON, ring)).toThrow(CheckpointError);
  });
});

describe('checkpointDue', () => {
  const policy = { everyEntries: 100, everyMs: 60_000 };
  const last = { seq: 200, at: '2026-01-31T12:00:00.000Z' };
  const at = (ms: number): Date => new Date(NOON.getTime() + ms);

  it('owes nothing for an empty journal', () => {
    expect(checkpointDue(undefined, undefined, NOON, policy)).toBe(false);
  });

  it('owes a first checkpoint as soon as there is an entry', () => {
    expect(checkpointDue(undefined, { seq: 1, hash: HEAD.hash }, NOON, policy)).toBe(true);
  });

  it('owes nothing for a head already checkpointed, however old', () => {
    expect(checkpointDue(last, { seq: 200, hash: HEAD.hash }, at(86_400_000), policy)).toBe(false);
  });

  it('owes one after everyEntries entries', () => {
    expect(checkpointDue(last, { seq: 299, hash: HEAD.hash }, at(1), policy)).toBe(false);
    expect(checkpointDue(last, { seq: 300, hash: HEAD.hash }, at(1), policy)).toBe(true);
  });

  it('owes one after everyMs milliseconds when there are new entries', () => {
    expect(checkpointDue(last, { seq: 201, hash: HEAD.hash }, at(59_999), policy)).toBe(false);
    expect(checkpointDue(last, { seq: 201, hash: HEAD.hash }, at(60_000), policy)).toBe(true);
  });
});

describe('the checkpoint file', () => {
  const ring = KeyRing.generate();
  const first = signCheckpoint({ seq: 10, hash: 'a'.repeat(64) }, NOON, ring);
  const second = signCheckpoint({ seq: 20, hash: 'b'.repeat(64) }, NOON, ring);

  it('appends checkpoints as JSON lines and reads them back in order', async () => {
    const path = join(dir, 'sub', 'audit-checkpoints.jsonl');
    await appendCheckpoint(path, first);
    await appendCheckpoint(path, second);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(await readCheckpoints(path)).toEqual([first, second]);
  });

  it('reads a missing file as no checkpoints', async () => {
    expect(await readCheckpoints(join(dir, 'none.jsonl'))).toEqual([]);
  });

  it('reports a line that is not JSON with its line number', async () => {
    const path = join(dir, 'c.jsonl');
    await writeFile(path, `${JSON.stringify(first)}\n\n{"seq":\n`);
    await expect(readCheckpoints(path)).rejects.toThrow(new RegExp(`^${path} line 3: not JSON`));
  });

  it('reports a line that is not a checkpoint with its line number and the reason', async () => {
    const path = join(dir, 'c.jsonl');
    const bad: Record<string, unknown> = { ...second, seq: '20' };
    await writeFile(path, `${JSON.stringify(first)}\n${JSON.stringify(bad)}\n`);
    await expect(readCheckpoints(path)).rejects.toThrow(
      `${path} line 2: seq must be a positive integer, not "20"`,
    );
  });

  it('starts a new line after a last line cut short, so the new checkpoint stays whole', async () => {
    const path = join(dir, 'c.jsonl');
    await appendCheckpoint(path, first);
    await appendFile(path, '{"seq":15,"ha');
    await appendCheckpoint(path, second);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[1]).toBe('{"seq":15,"ha');
    expect(JSON.parse(lines[2] as string) as Checkpoint).toEqual(second);
    await expect(readCheckpoints(path)).rejects.toThrow(`${path} line 2: not JSON`);
  });

  it('refuses to append something that is not a checkpoint', async () => {
    await expect(
      appendCheckpoint(join(dir, 'c.jsonl'), { ...first, keyId: 'ring' }),
    ).rejects.toThrow('keyId must be 16 lowercase hex digits');
  });
});

describe('syncCheckpointFile', () => {
  const ring = KeyRing.generate(NOON);
  const at = (seq: number): Checkpoint =>
    signCheckpoint(
      { seq, hash: seq.toString(16).padStart(64, '0') },
      new Date(NOON.getTime() + seq),
      ring,
    );

  it('appends what the file lacks, in seq order, and nothing twice', async () => {
    const path = join(dir, 'sub', 'checkpoints.jsonl');
    await appendCheckpoint(path, at(4));
    expect(await syncCheckpointFile(path, [at(10), at(1), at(4), at(7)])).toBe(3);
    expect(await syncCheckpointFile(path, [at(10), at(1), at(4), at(7)])).toBe(0);
    expect((await readCheckpoints(path)).map((c) => c.seq)).toEqual([4, 1, 7, 10]);
  });

  it('leaves a damaged line where it is, for verify to report, and still appends', async () => {
    const path = join(dir, 'checkpoints.jsonl');
    await writeFile(path, '{"seq":1,');
    expect(await syncCheckpointFile(path, [at(1)])).toBe(1);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')[0]).toBe('{"seq":1,');
    expect(text.split('\n')[1]).toBe(JSON.stringify(at(1)));
  });
});
