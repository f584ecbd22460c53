/**
 * A quiet journal's tail is signed on time: `keepCheckpointing` looks on a timer (a fake clock
 * here, which each wait moves on) and signs the head once the time policy says so, into the
 * table and the file, and hands each checkpoint on as soon as it commits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastCheckpoint } from '../store/journal-rows.js';
import { emptyStore } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { readCheckpoints, type Checkpoint } from './checkpoint.js';
import { Journal } from './journal-store.js';
import { KeyRing } from './key-ring.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const EVERY_MS = 60_000;
const CHECK_MS = 5_000;
const ring = KeyRing.generate(new Date(T0));

let store: Store;
let dir: string;
beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000);
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  await emptyStore(store);
  dir = await mkdtemp(join(tmpdir(), 'tiergate-checkpoint-timer-'));
  return () => rm(dir, { recursive: true, force: true });
});

const draft = (n: number) => ({
  actor: 'm-alice',
  action: 'record.updated',
  target: `company/${n}`,
  after: { n },
});

describe('Journal.keepCheckpointing', () => {
  it('signs the tail of a journal gone quiet once the time policy says so, into the table and the file, and hands it on at once', async () => {
    let clock = T0;
    const handedOn: Checkpoint[] = [];
    const journal = new Journal(store, ring, {
      cwd: dir,
      checkpointPolicy: { everyEntries: 1_000, everyMs: EVERY_MS },
      now: () => new Date(clock),
      onCheckpoint: (checkpoint) => handedOn.push(checkpoint),
    });
    // The first entry is signed at once (no checkpoint yet); two more come 10 s later, and then
    // nothing: no append will come to sign them.
    await journal.append([draft(1)]);
    clock += 10_000;
    await journal.append([draft(2), draft(3)]);
    expect((await lastCheckpoint(store.db))?.seq).toBe(1);

    const stop = new AbortController();
    const looks: number[] = [];
    await journal.keepCheckpointing(stop.signal, {
      checkEveryMs: CHECK_MS,
      sleep: (ms) => {
        looks.push(clock);
        clock += ms;
        // Two policy periods of quiet, then stop.
        if (clock > T0 + 2 * EVERY_MS + 10_000 || looks.length > 1_000) stop.abort();
        return Promise.resolve();
      },
    });

    const file = await readCheckpoints(join(dir, '.tiergate', 'audit-checkpoints.jsonl'));
    expect(file.map((c) => c.seq)).toEqual([1, 3]);
    const signed = file[1] as Checkpoint;
    // Due at T0 + 60 s (a minute after the first checkpoint); signed at the first look from then.
    expect(Date.parse(signed.at)).toBeGreaterThanOrEqual(T0 + EVERY_MS);
    expect(Date.parse(signed.at)).toBeLessThan(T0 + EVERY_MS + CHECK_MS);
    expect(await lastCheckpoint(store.db)).toEqual(signed);
    await Promise.resolve();
    expect(handedOn).toEqual(file);
    // Nothing new after it: no more checkpoints, however long the quiet lasts.
    expect(looks.length).toBeGreaterThan(20);
    expect((await journal.verify()).ok).toBe(true);
  });

  it('keeps looking after a failure of the store, and says so', async () => {
    let clock = T0;
    const journal = new Journal(store, ring, {
      cwd: dir,
      checkpointPolicy: { everyEntries: 1_000, everyMs: EVERY_MS },
      now: () => new Date(clock),
    });
    await journal.append([draft(1)]);
    await journal.append([draft(2)]);
    const errors: string[] = [];
    let failing = 2;
    const original = journal.checkpointIfDue.bind(journal);
    journal.checkpointIfDue = () =>
      failing-- > 0 ? Promise.reject(new Error('Connection terminated')) : original();
    const stop = new AbortController();
    let looks = 0;
    clock += EVERY_MS;
    await journal.keepCheckpointing(stop.signal, {
      checkEveryMs: CHECK_MS,
      onError: (error) => errors.push(String(error)),
      sleep: (ms) => {
        clock += ms;
        looks++;
        if (failing < 0 || looks >= 10) stop.abort();
        return Promise.resolve();
      },
    });
    expect(errors).toEqual(['Error: Connection terminated', 'Error: Connection terminated']);
    expect(looks).toBe(3);
    expect((await lastCheckpoint(store.db))?.seq).toBe(2);
  });
});
