/**
 * `npm run bench -- audit`: `tiergate audit verify` at size. Builds a journal of 1,000,000
 * entries in memory (CRM-like `before`/`after` documents, a signed checkpoint every 1,000), then
 * measures verification in entries per second, median of several rounds, fed as an array and as
 * an async generator (the way a store pages rows in). The goal is 500,000/s. Beside it, in the
 * same run: the bare chain (hash input and SHA-256, no checks: what any verifier of this chain
 * must do) and one-shot SHA-256 over the same bytes prebuilt (the floor no verifier can beat),
 * so the ratios say how close to them verification is. Wall-clock and CPU-time rates are both
 * printed: on a shared machine the first suffers from the neighbours, the second much less.
 * Exits 1 only when the untampered journal fails to verify.
 */
import { hash } from 'node:crypto';
import os from 'node:os';
import { signCheckpoint, type Checkpoint } from '../src/audit/checkpoint.js';
import {
  chainEntries,
  hashInput,
  type JournalDraft,
  type JournalEntry,
} from '../src/audit/journal.js';
import { KeyRing } from '../src/audit/key-ring.js';
import { verifyJournal } from '../src/audit/verify.js';
import { collectGarbage, median } from './measure.js';
import { formatValue } from './report.js';

const ENTRIES = 1_000_000;
const CHECKPOINT_EVERY = 1_000;
const ROUNDS = 5;
/** The SHA-256 floor is measured over the bytes of this many entries (a rate needs no more). */
const FLOOR_SAMPLE = 200_000;
const GOAL = 500_000;
const STAGES = ['LEAD', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CUSTOMER'];

function draft(i: number): JournalDraft {
  const id = `0b6a6c1e-5d2f-4c1e-9f00-${String(i).padStart(12, '0')}`;
  const record = {
    id,
    name: `Deal ${i} with Acme Ltd.`,
    amount: { amountMicros: (i % 997) * 1_000_000, currencyCode: 'EUR' },
    stage: STAGES[i % STAGES.length],
    ownerId: `m-${i % 60}`,
  };
  switch (i % 4) {
    case 0:
      return {
        actor: `m-${i % 60}`,
        action: 'opportunity.create',
        target: `opportunity:${id}`,
        after: record,
      };
    case 1:
      return {
        actor: `m-${i % 60}`,
        action: 'opportunity.update',
        target: `opportunity:${id}`,
        before: record,
        after: { ...record, stage: STAGES[(i + 1) % STAGES.length] },
        reason: null,
      };
    case 2:
      return {
        actor: 'tiergate',
        action: 'grant.expire',
        target: `grant:g-${i}`,
        before: { member: `m-${i % 60}`, role: 'sales-rep', until: '2026-12-31T00:00:00.000Z' },
        reason: 'expired',
      };
    default:
      return {
        actor: `m-${i % 60}`,
        action: 'field.denied',
        target: `opportunity:${id}#amount`,
        reason: 'hidden below senior (roles.sales-rep.objects.opportunity.fields.amount)',
      };
  }
}

function buildJournal(ring: KeyRing): { entries: JournalEntry[]; checkpoints: Checkpoint[] } {
  const entries: JournalEntry[] = [];
  const checkpoints: Checkpoint[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let batch = 0; batch < ENTRIES / CHECKPOINT_EVERY; batch++) {
    const drafts = Array.from({ length: CHECKPOINT_EVERY }, (_, i) =>
      draft(batch * CHECKPOINT_EVERY + i),
    );
    const now = new Date(start + batch * 60_000);
    const chained = chainEntries(entries.at(-1), drafts, now);
    for (const entry of chained) entries.push(entry);
    checkpoints.push(signCheckpoint(chained.at(-1) as JournalEntry, now, ring));
  }
  return { entries, checkpoints };
}

async function* paged(entries: readonly JournalEntry[]): AsyncGenerator<JournalEntry> {
  // As a store would: one awaited page of rows at a time, yielded row by row.
  for (let i = 0; i < entries.length; i += 1000) {
    const page = await Promise.resolve(entries.slice(i, i + 1000));
    yield* page;
  }
}

function perSecond(count: number, ns: number): number {
  return (count / ns) * 1e9;
}

export async function runAuditBench(): Promise<number> {
  const ring = KeyRing.generate(new Date(Date.UTC(2026, 0, 1)));
  const buildStart = process.hrtime.bigint();
  const { entries, checkpoints } = buildJournal(ring);
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;

  // The floor: one-shot SHA-256 over hash inputs prebuilt as bytes (hex out, as verify does).
  const inputs = entries.slice(0, FLOOR_SAMPLE).map((e) => Buffer.from(hashInput(e, e.prevHash)));
  const meanBytes = inputs.reduce((sum, b) => sum + b.length, 0) / FLOOR_SAMPLE;

  let failure: string | undefined;
  // Each task returns how many entries it went through; the loop below times it.
  const verifyArray = async (): Promise<number> => {
    const result = await verifyJournal(entries, checkpoints, ring);
    if (
      !result.ok ||
      result.entries !== ENTRIES ||
      result.checkpointsChecked !== checkpoints.length
    )
      failure = result.ok ? `verified ${result.entries} entries` : result.problem.message;
    return ENTRIES;
  };
  const verifyPaged = async (): Promise<number> => {
    const result = await verifyJournal(paged(entries), checkpoints, ring);
    if (!result.ok) failure = result.problem.message;
    return ENTRIES;
  };
  const chainOnly = (): Promise<number> => {
    let matches = 0;
    for (const e of entries)
      if (hash('sha256', hashInput(e, e.prevHash), 'hex') === e.hash) matches++;
    if (matches !== ENTRIES) failure = `the bare chain matched ${matches} entries`;
    return Promise.resolve(ENTRIES);
  };
  const floor = (): Promise<number> => {
    let matches = 0;
    for (let i = 0; i < FLOOR_SAMPLE; i++)
      if (hash('sha256', inputs[i] as Buffer, 'hex') === (entries[i] as JournalEntry).hash)
        matches++;
    if (matches !== FLOOR_SAMPLE) failure = `the floor matched ${matches} entries`;
    return Promise.resolve(FLOOR_SAMPLE);
  };

  const tasks = { verifyArray, verifyPaged, chainOnly, floor } as const;
  type Name = keyof typeof tasks;
  const names = Object.keys(tasks) as Name[];
  /** Entries per wall-clock second and per second of this process's CPU time. */
  const wall = new Map<Name, number[]>(names.map((n) => [n, []]));
  const cpu = new Map<Name, number[]>(names.map((n) => [n, []]));
  await verifyArray(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as Name;
      collectGarbage();
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      const count = await tasks[name]();
      const ns = Number(process.hrtime.bigint() - start);
      const used = process.cpuUsage(cpuStart);
      wall.get(name)?.push(perSecond(count, ns));
      cpu.get(name)?.push(perSecond(count, (used.user + used.system) * 1000));
    }
  }
  const figure = (name: Name, by = wall): number => median(by.get(name) ?? []);
  const both = (name: Name): string =>
    `${formatValue('rec/s', figure(name))} wall, ${formatValue('rec/s', figure(name, cpu))} CPU`;
  const verified = figure('verifyArray');
  const verifiedCpu = figure('verifyArray', cpu);
  const floorRate = figure('floor');
  const rows: [string, string][] = [
    [
      'journal',
      `${ENTRIES.toLocaleString('en')} entries (mean hash input ${meanBytes.toFixed(0)} bytes), ${checkpoints.length} checkpoints`,
    ],
    [
      'machine',
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1) ?? '?'} (a loaded machine slows wall time, not CPU time)`,
    ],
    ['build (chainEntries + signCheckpoint)', `${buildMs.toFixed(0)} ms`],
    [`verifyJournal, array (median of ${ROUNDS})`, both('verifyArray')],
    [`verifyJournal, async pages (median of ${ROUNDS})`, both('verifyPaged')],
    ['bare chain: hashInput + SHA-256, no checks', both('chainOnly')],
    ['floor: SHA-256 of prebuilt bytes', both('floor')],
    [
      'verify / bare chain',
      `${(verified / figure('chainOnly')).toFixed(2)} wall, ${(verifiedCpu / figure('chainOnly', cpu)).toFixed(2)} CPU`,
    ],
    [
      'verify / floor',
      `${(verified / floorRate).toFixed(2)} wall, ${(verifiedCpu / figure('floor', cpu)).toFixed(2)} CPU`,
    ],
    [
      'verify / 500 k/s goal',
      `${(verified / GOAL).toFixed(2)}x wall, ${(verifiedCpu / GOAL).toFixed(2)}x CPU`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(
    `tiergate audit benchmark — node ${process.version}\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}`,
  );
  console.log(
    `goal >= 500 k/s (array, wall): ${verified >= GOAL ? 'met' : 'MISSED'}; per CPU second: ${verifiedCpu >= GOAL ? 'met' : 'MISSED'} (not assertions)`,
  );
  if (failure !== undefined) {
    console.log(`FAILED: the untampered journal did not verify: ${failure}`);
    return 1;
  }
  return 0;
}
