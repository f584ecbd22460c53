import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  chainEntries,
  GENESIS_PREV_HASH,
  type JournalDraft,
  type JournalEntry,
} from './journal.js';
import { KeyRing } from './key-ring.js';
import { JournalVerifier, verifyJournal, type ProblemKind, type VerifyResult } from './verify.js';

const START = Date.UTC(2026, 0, 31, 9);
const ring = KeyRing.generate(new Date(START));

function draft(i: number): JournalDraft {
  return {
    actor: `m-${i % 7}`,
    action: i % 3 === 0 ? 'opportunity.create' : 'opportunity.update',
    target: `opportunity:${i}`,
    before: i % 3 === 0 ? undefined : { stage: 'LEAD', amount: i * 100, tags: ['a', 'é'] },
    after: { stage: i % 2 === 0 ? 'WON' : 'LOST', amount: i * 100, note: `line\n"${i}"` },
    reason: i % 4 === 0 ? null : `reason ${i}`,
  };
}

/** 50 entries appended in batches of 10, a checkpoint signed after each batch. */
function journal(size = 50, every = 10): { entries: JournalEntry[]; checkpoints: Checkpoint[] } {
  const entries: JournalEntry[] = [];
  const checkpoints: Checkpoint[] = [];
  for (let start = 1; start <= size; start += every) {
    const now = new Date(START + start * 60_000);
    const drafts = Array.from({ length: Math.min(every, size - start + 1) }, (_, k) =>
      draft(start + k),
    );
    entries.push(...chainEntries(entries.at(-1), drafts, now));
    if (entries.length % every === 0)
      checkpoints.push(signCheckpoint(entries.at(-1) as JournalEntry, now, ring));
  }
  return { entries, checkpoints };
}

const good = journal();

function failure(result: VerifyResult): { seq: number; kind: ProblemKind; message: string } {
  if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result)}`);
  return result.problem;
}

async function verifyWith(
  entries: readonly JournalEntry[],
  checkpoints: readonly Checkpoint[] = good.checkpoints,
): Promise<VerifyResult> {
  return verifyJournal(entries, checkpoints, ring);
}

function withEntry(
  seq: number,
  patch: Partial<Record<keyof JournalEntry, unknown>>,
): JournalEntry[] {
  return good.entries.map((e) => (e.seq === seq ? ({ ...e, ...patch } as JournalEntry) : e));
}

function entry(seq: number): JournalEntry {
  return good.entries[seq - 1] as JournalEntry;
}

describe('verifyJournal on an untampered journal', () => {
  it('verifies every entry and every checkpoint, and returns the head', async () => {
    expect(await verifyWith(good.entries)).toEqual({
      ok: true,
      entries: 50,
      lastSeq: 50,
      lastHash: entry(50).hash,
      checkpointsChecked: 5,
      lastCheckpointSeq: 50,
    });
  });

  it('verifies an empty journal with no checkpoints', async () => {
    expect(await verifyWith([], [])).toEqual({
      ok: true,
      entries: 0,
      lastSeq: 0,
      lastHash: GENESIS_PREV_HASH,
      checkpointsChecked: 0,
      lastCheckpointSeq: 0,
    });
  });

  it('reads an async iterable as it reads an array', async () => {
    async function* rows(): AsyncGenerator<JournalEntry> {
      for (const e of good.entries) yield await Promise.resolve(e);
    }
    expect(await verifyJournal(rows(), good.checkpoints, ring)).toEqual(
      await verifyWith(good.entries),
    );
  });

  it('accepts checkpoints in any order, and the same checkpoint twice (file and host object)', async () => {
    const shuffled = [...good.checkpoints].reverse();
    const result = await verifyWith(good.entries, [...shuffled, good.checkpoints[1] as Checkpoint]);
    expect(result).toMatchObject({ ok: true, checkpointsChecked: 6 });
  });

  it('reports entries after the last checkpoint as unanchored, since no checkpoint covers them', async () => {
    const longer = journal(53);
    expect(await verifyWith(longer.entries, longer.checkpoints)).toMatchObject({
      ok: true,
      lastSeq: 53,
      lastCheckpointSeq: 50,
    });
  });

  it('verifies after the key ring rotates, with checkpoints from both keys', async () => {
    const rotating = KeyRing.generate();
    const entries = good.entries;
    const old = signCheckpoint(entry(10), new Date(START), rotating);
    rotating.rotate();
    const fresh = signCheckpoint(entry(20), new Date(START), rotating);
    expect(await verifyJournal(entries, [old, fresh], rotating)).toMatchObject({
      ok: true,
      checkpointsChecked: 2,
    });
  });
});

describe('verifyJournal detects a changed field and names the entry', () => {
  const otherHash = 'f'.repeat(64);
  const cases: [keyof JournalEntry, unknown, ProblemKind][] = [
    ['seq', 99, 'seq-gap'],
    ['at', '2026-01-31T09:00:00.001Z', 'hash-mismatch'],
    ['at', 'yesterday', 'malformed'],
    ['actor', 'm-mallory', 'hash-mismatch'],
    ['action', 'opportunity.delete', 'hash-mismatch'],
    ['target', 'opportunity:999', 'hash-mismatch'],
    ['before', '{"amount":1}', 'hash-mismatch'],
    ['before', '{"amount": 1}', 'not-canonical'],
    ['after', '{"stage":"WON"}', 'hash-mismatch'],
    ['after', '{"stage":"WON","amount":1}', 'not-canonical'],
    ['after', null, 'hash-mismatch'],
    ['reason', 'a better story', 'hash-mismatch'],
    ['reason', null, 'hash-mismatch'],
    ['prevHash', otherHash, 'broken-link'],
    ['hash', otherHash, 'hash-mismatch'],
  ];
  for (const seq of [1, 17, 50]) {
    it.each(cases)(`at entry ${seq}: %s changed to %j is %s`, async (field, value, kind) => {
      // A "change" to the value already there would prove nothing.
      expect(value).not.toEqual(entry(seq)[field]);
      const problem = failure(await verifyWith(withEntry(seq, { [field]: value })));
      expect(problem).toMatchObject({ seq, kind });
    });
  }

  it('names a seq changed to its predecessor a duplicate', async () => {
    const problem = failure(await verifyWith(withEntry(17, { seq: 16 })));
    expect(problem).toEqual({
      seq: 17,
      kind: 'seq-duplicate',
      message: 'entry 17: entry 16 is followed by entry 16 again (a repeated or reordered entry)',
    });
  });

  it('refuses a seq of the wrong type, as a store might return a bigint column', async () => {
    const problem = failure(await verifyWith(withEntry(17, { seq: '17' })));
    expect(problem).toMatchObject({ seq: 17, kind: 'malformed' });
  });

  it('writes messages ready for the command line', async () => {
    const problem = failure(await verifyWith(withEntry(17, { actor: 'm-mallory' })));
    expect(problem.message).toMatch(
      /^entry 17: hash does not match its contents \(stored [0-9a-f]{12}…, computed [0-9a-f]{12}…\)$/,
    );
    expect(problem.message).toContain(entry(17).hash.slice(0, 12));
  });

  it('names the first bad entry when several are bad', async () => {
    const entries = withEntry(30, { actor: 'x' }).map((e) =>
      e.seq === 17 ? { ...e, target: 'y' } : e,
    );
    expect(failure(await verifyWith(entries))).toMatchObject({ seq: 17, kind: 'hash-mismatch' });
  });

  it('detects any one character changed in any text field of any entry, at that entry', async () => {
    const fields = [
      'at',
      'actor',
      'action',
      'target',
      'before',
      'after',
      'reason',
      'prevHash',
      'hash',
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        async (seq, field, at, unit) => {
          const value = entry(seq)[field];
          fc.pre(typeof value === 'string' && value.length > 0);
          const text = value;
          const i = at % text.length;
          fc.pre(text.charCodeAt(i) !== unit);
          const changed = text.slice(0, i) + String.fromCharCode(unit) + text.slice(i + 1);
          const problem = failure(await verifyWith(withEntry(seq, { [field]: changed })));
          expect(problem.seq).toBe(seq);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('verifyJournal detects removed, moved and repeated entries', () => {
  it('detects a deleted entry', async () => {
    const entries = good.entries.filter((e) => e.seq !== 17);
    expect(failure(await verifyWith(entries))).toEqual({
      seq: 17,
      kind: 'seq-gap',
      message: 'entry 17 is missing: entry 16 is followed by entry 18',
    });
  });

  it('detects a deleted first entry', async () => {
    expect(failure(await verifyWith(good.entries.slice(1)))).toEqual({
      seq: 1,
      kind: 'seq-gap',
      message: 'entry 1 is missing: the journal starts with entry 2',
    });
  });

  it('detects two entries read in swapped order', async () => {
    const entries = [...good.entries];
    [entries[16], entries[17]] = [entries[17] as JournalEntry, entries[16] as JournalEntry];
    expect(failure(await verifyWith(entries))).toMatchObject({ seq: 17, kind: 'seq-gap' });
  });

  it('detects two entries whose contents were swapped under their own seq numbers', async () => {
    const a = entry(17);
    const b = entry(18);
    const entries = withEntry(17, { ...b, seq: 17 }).map((e) =>
      e.seq === 18 ? { ...a, seq: 18 } : e,
    );
    expect(failure(await verifyWith(entries))).toMatchObject({ seq: 17, kind: 'broken-link' });
  });

  it('detects a duplicated entry', async () => {
    const entries = [...good.entries.slice(0, 17), entry(17), ...good.entries.slice(17)];
    expect(failure(await verifyWith(entries))).toMatchObject({
      seq: 18,
      kind: 'seq-duplicate',
    });
  });

  it('detects a truncated tail, thanks to a checkpoint beyond it', async () => {
    expect(failure(await verifyWith(good.entries.slice(0, 44)))).toEqual({
      seq: 45,
      kind: 'truncated',
      message: `entry 45 is missing: the journal ends at entry 44 but a signed checkpoint of ${good.checkpoints[4]?.at ?? ''} vouches for entry 50, so its tail was removed`,
    });
  });

  it('detects a journal emptied of every entry', async () => {
    expect(failure(await verifyWith([]))).toMatchObject({ seq: 1, kind: 'truncated' });
  });
});

describe('verifyJournal detects a rewritten history through the checkpoints', () => {
  it('detects a tail rewritten from entry 33 with recomputed hashes, at the next checkpoint', async () => {
    const kept = good.entries.slice(0, 32);
    const forged = chainEntries(
      kept.at(-1),
      Array.from({ length: 18 }, (_, k) => ({ ...draft(33 + k), actor: 'm-mallory' })),
      new Date(START + 33 * 60_000),
    );
    const problem = failure(await verifyWith([...kept, ...forged]));
    expect(problem).toMatchObject({ seq: 40, kind: 'checkpoint-mismatch' });
    expect(problem.message).toMatch(
      /^entry 40: hash [0-9a-f]{12}… differs from the signed checkpoint of .* it was rewritten after entry 30, the last checkpoint that matches$/,
    );
  });

  it('detects a journal rewritten from its start, at the first checkpoint', async () => {
    const forged = chainEntries(
      undefined,
      Array.from({ length: 50 }, (_, k) => ({ ...draft(k + 1), reason: 'rewritten' })),
      new Date(START),
    );
    const problem = failure(await verifyWith(forged));
    expect(problem).toMatchObject({ seq: 10, kind: 'checkpoint-mismatch' });
    expect(problem.message).toContain('no earlier checkpoint matches');
  });

  it('detects a forged checkpoint signature', async () => {
    const checkpoints = good.checkpoints.map((c) =>
      c.seq === 30 ? { ...c, signature: ring.sign('something else').signature } : c,
    );
    expect(failure(await verifyWith(good.entries, checkpoints))).toMatchObject({
      seq: 30,
      kind: 'checkpoint-signature',
    });
  });

  it('detects a rewrite covered by checkpoints re-signed with a key outside the ring', async () => {
    const mallory = KeyRing.generate();
    const forged = chainEntries(
      undefined,
      Array.from({ length: 50 }, (_, k) => ({ ...draft(k + 1), actor: 'm-mallory' })),
      new Date(START),
    );
    const checkpoints = [10, 20, 30, 40, 50].map((seq) =>
      signCheckpoint(forged[seq - 1] as JournalEntry, new Date(START), mallory),
    );
    const problem = failure(await verifyWith(forged, checkpoints));
    expect(problem).toEqual({
      seq: 10,
      kind: 'unknown-key',
      message: `checkpoint at entry 10 (${checkpoints[0]?.at ?? ''}): signed by key ${mallory.activeKeyId}, which is not among the keys given (the key ring or the public keys of --keys)`,
    });
  });

  it('names a forged checkpoint beyond the last entry as forged, not as a truncation', async () => {
    const bogus = { ...signCheckpoint(entry(50), new Date(START), ring), seq: 60 };
    expect(failure(await verifyWith(good.entries, [...good.checkpoints, bogus]))).toMatchObject({
      seq: 60,
      kind: 'checkpoint-signature',
    });
  });

  it('refuses a malformed checkpoint before reading any entry', async () => {
    const broken = { ...(good.checkpoints[0] as Checkpoint), hash: 'nope' };
    expect(failure(await verifyWith(good.entries, [broken]))).toMatchObject({
      seq: 10,
      kind: 'checkpoint-malformed',
    });
  });
});

describe('JournalVerifier', () => {
  it('gives the same verdict when fed page by page', async () => {
    const verifier = new JournalVerifier(good.checkpoints, ring);
    for (let i = 0; i < good.entries.length; i += 7)
      for (const e of good.entries.slice(i, i + 7)) verifier.push(e);
    expect(verifier.finish()).toEqual(await verifyWith(good.entries));
  });

  it('keeps returning the first problem once it has one', () => {
    const verifier = new JournalVerifier([], ring);
    verifier.push(entry(1));
    const problem = verifier.push(entry(3));
    expect(problem).toMatchObject({ seq: 2, kind: 'seq-gap' });
    expect(verifier.push(entry(2))).toBe(problem);
    expect(verifier.finish()).toEqual({ ok: false, problem, entries: 1 });
  });
});
