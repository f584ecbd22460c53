/**
 * `npm run bench -- engine`: Tiergate against @casl/ability, node-casbin and a hand-written
 * baseline on one deterministic CRM workload. Checks first that all four agree, then measures
 * decisions, filtered-and-projected lists, compile time and heap, engines interleaved, and
 * prints medians and ratios. Exits 1 only when the engines disagree.
 */
import os from 'node:os';
import type { Policy } from '../src/index.js';
import { checkAgreement, type Agreement } from './agreement.js';
import { agreementCases } from './cases.js';
import { buildEngines, compileTimes, tiergateCompileOnly, type Engines } from './engines/build.js';
import type { BenchEngine } from './engines/types.js';
import {
  checksum,
  gcExposed,
  interleave,
  median,
  resultKey,
  timeNs,
  type Task,
} from './measure.js';
import { benchPolicy } from './policy.js';
import { ENGINES, printGoals, printTable, type EngineName, type Figure } from './report.js';
import {
  buildWorkload,
  RECORDS_PER_OBJECT,
  type Request,
  type Row,
  type Triple,
  type Workload,
} from './workload.js';

const SEEDS = { requests: 101, triples: 202, agreement: 303 } as const;
const REQUESTS = 20_000;
const AGREEMENT_TRIPLES = 2_000;
const ROUNDS = 9;
const WARMUP = 2;
const COMPILE_ROUNDS = 5;
/** casbin is orders of magnitude slower: it runs on samples, per-op figures extrapolate. */
const CASBIN_SAMPLE = {
  reads: 1_000,
  fields: 400,
  decisions: 30,
  selectiveRecords: 3_000,
  everythingRecords: 300,
  agreementDecisions: 50,
} as const;
const LIST_OBJECT = 'opportunity';

function opTasks<T extends Request>(
  figure: string,
  engines: Engines,
  run: (e: BenchEngine, items: readonly T[]) => number,
  items: readonly T[],
  casbinSample: number,
): Task[] {
  return ENGINES.map((name) => {
    const sample = name === 'casbin' ? items.slice(0, casbinSample) : items;
    const engine = engines[name];
    return {
      figure,
      engine: name,
      measure: () => timeNs(() => run(engine, sample)) / sample.length,
    };
  });
}

/** ns per record of filtering + projecting all records, from a sample for casbin. */
function listTasks(
  figure: string,
  engines: Engines,
  member: string,
  records: readonly Row[],
  casbinSample: number,
): Task[] {
  return ENGINES.map((name) => {
    const engine = engines[name];
    const sample = name === 'casbin' ? records.slice(0, casbinSample) : records;
    const measure = (): number => {
      const setupNs =
        engine.prepareList === undefined
          ? 0
          : timeNs(() => {
              engine.prepareList?.(member, LIST_OBJECT);
              return 0;
            });
      const listNs = timeNs(() => engine.list(member, LIST_OBJECT, sample));
      return (setupNs + (listNs * records.length) / sample.length) / records.length;
    };
    return { figure, engine: name, measure };
  });
}

function figureOf(
  key: string,
  label: string,
  unit: Figure['unit'],
  value: (name: EngineName) => number | undefined,
): Figure {
  const values: Partial<Record<EngineName, number>> = {};
  for (const name of ENGINES) {
    const v = value(name);
    if (v !== undefined) values[name] = v;
  }
  return { key, label, unit, values };
}

function measureFigures(workload: Workload, engines: Engines): Figure[] {
  const requests = workload.requests(SEEDS.requests, REQUESTS);
  const triples = workload.triples(SEEDS.triples, REQUESTS);
  const records = workload.records.get(LIST_OBJECT) ?? [];
  const tasks = [
    ...opTasks('read', engines, (e, r) => e.readAll(r), requests, CASBIN_SAMPLE.reads),
    ...opTasks(
      'field',
      engines,
      (e, t: readonly Triple[]) => e.fieldAll(t),
      triples,
      CASBIN_SAMPLE.fields,
    ),
    ...opTasks('decision', engines, (e, r) => e.decisionAll(r), requests, CASBIN_SAMPLE.decisions),
    ...listTasks(
      'list junior',
      engines,
      workload.selective.id,
      records,
      CASBIN_SAMPLE.selectiveRecords,
    ),
    ...listTasks(
      'list director',
      engines,
      workload.everything.id,
      records,
      CASBIN_SAMPLE.everythingRecords,
    ),
  ];
  const results = interleave(tasks, ROUNDS, WARMUP);
  const med = (figure: string, name: EngineName): number | undefined => {
    const values = results.get(resultKey(figure, name));
    return values ? median(values) : undefined;
  };
  const perSecond = (figure: string) => (name: EngineName) => {
    const ns = med(figure, name);
    return ns === undefined ? undefined : 1e9 / ns;
  };
  return [
    figureOf('read', 'record decision: read (per op)', 'ns', (n) => med('read', n)),
    figureOf('field', 'one field state on a record (per op)', 'ns', (n) => med('field', n)),
    figureOf('decision', 'decision: read + 40 field states (per op)', 'ns', (n) =>
      med('decision', n),
    ),
    figureOf(
      'list junior',
      `filter+project 10k, junior own/open`,
      'rec/s',
      perSecond('list junior'),
    ),
    figureOf(
      'list director',
      `filter+project 10k, director all`,
      'rec/s',
      perSecond('list director'),
    ),
  ];
}

function printAgreement(a: Agreement): number {
  const total = a.mismatches + a.projections.mismatches;
  console.log(`agreement: ${a.triples} random (member, record, field) triples`);
  console.log(
    `  decision mismatches: ${a.mismatches} (read decision + field state on every path; all 40 states on decision paths)`,
  );
  console.log(
    `  projection mismatches: ${a.projections.mismatches} of ${a.projections.compared} compared`,
  );
  const covered = [...a.coverage].map(([label, n]) => `${label} ${n}`).join('; ');
  console.log(`  covers: ${covered}`);
  for (const [path, n] of a.byPath) console.log(`    ${path}: ${n} differ from baseline`);
  for (const example of a.examples) console.log(`    e.g. ${example}`);
  if (a.undefinedKeys.records > 0)
    console.log(
      `  note: ${a.undefinedKeys.records} Tiergate projections carry a hidden field as a key with value undefined (e.g. ${a.undefinedKeys.example ?? ''})`,
    );
  console.log(`MISMATCHES: ${total}`);
  return total;
}

function printHeader(workload: Workload, policyMs: number, workloadMs: number): void {
  const cpus = os.cpus();
  console.log(
    `tiergate engine benchmark — node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}`,
  );
  console.log(
    `workload: 3 objects x 40 fields x ${RECORDS_PER_OBJECT} records, 5 tiers, ${workload.members.length} members (3-level manager tree), ${workload.teams.length} teams; built in ${workloadMs.toFixed(0)} ms; policy validated in ${policyMs.toFixed(1)} ms`,
  );
  console.log(
    `list members: junior ${workload.selective.id} (own, open records only), director ${workload.everything.id} (all)`,
  );
  if (!gcExposed) console.log('note: run with --expose-gc for heap figures');
  console.log('');
}

async function compileFigures(
  workload: Workload,
  policy: Policy,
  heap: Partial<Record<EngineName, number>>,
): Promise<Figure[]> {
  const times = await compileTimes(workload, policy, COMPILE_ROUNDS);
  return [
    figureOf('compile', 'compile: 200 members x 3 objects', 'ms', (n) => median(times[n])),
    figureOf('heap', 'heap retained by the compiled engine', 'bytes', (n) => heap[n]),
  ];
}

interface Context {
  readonly allowedShare: number;
  readonly kept: { readonly junior: number; readonly director: number };
}

function printNotes(policy: Policy, context: Context): void {
  const { kept } = context;
  console.log('');
  console.log(
    `medians of ${ROUNDS} interleaved rounds after ${WARMUP} warm-up rounds; ${REQUESTS} requests per round (half near the member, half random; ${(100 * context.allowedShare).toFixed(0)}% allowed); lists on ${LIST_OBJECT}`,
  );
  console.log(
    `casbin samples per round: ${CASBIN_SAMPLE.reads} reads, ${CASBIN_SAMPLE.fields} field states, ${CASBIN_SAMPLE.decisions} decisions, ${CASBIN_SAMPLE.selectiveRecords} / ${CASBIN_SAMPLE.everythingRecords} list records (extrapolated to 10k, its per-member field list setup counted once)`,
  );
  console.log(
    `rows kept: junior ${kept.junior} of ${RECORDS_PER_OBJECT}, director ${kept.director} of ${RECORDS_PER_OBJECT}; compilePolicy alone (plans built lazily): ${tiergateCompileOnly(policy).toFixed(2)} ms`,
  );
  console.log(
    'ratios: how many times faster (or smaller) Tiergate is; vs base < 1 means slower than hand-written; heap deltas under ~0.5 MiB are GC noise',
  );
  console.log('');
}

export async function runEngineBench(): Promise<number> {
  let start = process.hrtime.bigint();
  const workload = buildWorkload();
  const workloadMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  const policy = benchPolicy(workload);
  printHeader(workload, Number(process.hrtime.bigint() - start) / 1e6, workloadMs);

  const { engines, heapBytes } = await buildEngines(workload, policy);
  const triples = workload.triples(SEEDS.agreement, AGREEMENT_TRIPLES);
  const mismatches = printAgreement(
    checkAgreement(engines, triples, CASBIN_SAMPLE.agreementDecisions, agreementCases(workload)),
  );
  console.log('');

  const figures = measureFigures(workload, engines);
  const records = workload.records.get(LIST_OBJECT) ?? [];
  const context: Context = {
    allowedShare: engines.baseline.readAll(workload.requests(SEEDS.requests, REQUESTS)) / REQUESTS,
    kept: {
      junior: engines.baseline.list(workload.selective.id, LIST_OBJECT, records),
      director: engines.baseline.list(workload.everything.id, LIST_OBJECT, records),
    },
  };
  const table = [...figures, ...(await compileFigures(workload, policy, heapBytes))];
  printTable(table);
  printNotes(policy, context);
  printGoals(figures.filter((f) => f.key === 'decision' || f.key.startsWith('list')));
  console.log(`(checksum ${checksum()})`);
  return mismatches > 0 ? 1 : 0;
}
