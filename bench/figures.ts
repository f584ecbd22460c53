/**
 * The timed part of the engine benchmark: per-op tasks (decisions, permitted-field lists) and
 * list tasks (filter + project 10k records) run interleaved with medians taken, then build time
 * and heap per engine and Tiergate's `warm()` alone. casbin runs on samples and its per-op
 * figures extrapolate.
 */
import { buildTimes, tiergateWarm, type Engines } from './engines/build.js';
import type { BenchEngine } from './engines/types.js';
import { interleave, median, resultKey, timeNs, type Task } from './measure.js';
import type { benchPolicy } from './policy.js';
import { ENGINES, type EngineName, type Figure } from './report.js';
import type { Request, Row, Workload } from './workload.js';

export const SEEDS = { requests: 101, agreement: 303 } as const;
export const REQUESTS = 20_000;
export const ROUNDS = 9;
export const WARMUP = 2;
const BUILD_ROUNDS = 5;
/** casbin is orders of magnitude slower: it runs on samples, per-op figures extrapolate. */
export const CASBIN_SAMPLE = { can: 600, permitted: 20, selective: 2_000, readAll: 200 } as const;
export const LIST_OBJECT = 'opportunity';
/** Each measurement repeats its run until this much time has passed (one run at least). */
const MIN_MEASURE_NS = 50e6;

/**
 * Mean ns of `run`, repeated for at least MIN_MEASURE_NS: a run of a few ms is either missed or
 * hit whole by a descheduling on a busy machine, a longer one is hit in proportion.
 */
function meanNs(run: () => number): number {
  let total = 0;
  let runs = 0;
  while (runs === 0 || total < MIN_MEASURE_NS) {
    total += timeNs(run);
    runs++;
  }
  return total / runs;
}

function opTasks(
  figure: string,
  engines: Engines,
  run: (e: BenchEngine, items: readonly Request[]) => number,
  items: readonly Request[],
  casbinSample: number,
): Task[] {
  return ENGINES.map((name) => {
    const sample = name === 'casbin' ? items.slice(0, casbinSample) : items;
    const engine = engines[name];
    return {
      figure,
      engine: name,
      measure: () => meanNs(() => run(engine, sample)) / sample.length,
    };
  });
}

/** ns per record of filtering + projecting all records, from a sample for casbin. */
function listTasks(
  figure: string,
  engines: Engines,
  member: number,
  records: readonly Row[],
  casbinSample: number,
): Task[] {
  return ENGINES.map((name) => {
    const engine = engines[name];
    const sample = name === 'casbin' ? records.slice(0, casbinSample) : records;
    const measure = (): number => {
      const setupNs = timeNs(() => {
        engine.prepareList?.(member, LIST_OBJECT);
        return 0;
      });
      const listNs = meanNs(() => engine.list(member, LIST_OBJECT, sample));
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

export function memberIndex(workload: Workload, id: string): number {
  return workload.members.findIndex((m) => m.id === id);
}

export function measureFigures(workload: Workload, engines: Engines): Figure[] {
  const requests = workload.requests(SEEDS.requests, REQUESTS);
  const records = workload.records.get(LIST_OBJECT) ?? [];
  const selective = memberIndex(workload, workload.selective.id);
  const readAll = memberIndex(workload, workload.everything.id);
  const tasks = [
    ...opTasks('can', engines, (e, r) => e.canAll(r), requests, CASBIN_SAMPLE.can),
    ...opTasks(
      'permitted',
      engines,
      (e, r) => e.permittedAll(r),
      requests,
      CASBIN_SAMPLE.permitted,
    ),
    ...listTasks('list selective', engines, selective, records, CASBIN_SAMPLE.selective),
    ...listTasks('list read-all', engines, readAll, records, CASBIN_SAMPLE.readAll),
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
    figureOf('can', 'decision: can(action, object, record) per op', 'ns', (n) => med('can', n)),
    figureOf('permitted', 'permitted-field list per op', 'ns', (n) => med('permitted', n)),
    figureOf(
      'list selective',
      'filter+project 10k, selective member',
      'rec/s',
      perSecond('list selective'),
    ),
    figureOf(
      'list read-all',
      'filter+project 10k, read-all member',
      'rec/s',
      perSecond('list read-all'),
    ),
  ];
}

export async function buildFigures(
  workload: Workload,
  policy: ReturnType<typeof benchPolicy>,
  heap: Partial<Record<EngineName, number>>,
): Promise<Figure[]> {
  const times = await buildTimes(workload, policy, BUILD_ROUNDS);
  const warm = await tiergateWarm(policy, BUILD_ROUNDS);
  const only = (v: number | undefined) => (n: EngineName) => (n === 'tiergate' ? v : undefined);
  return [
    figureOf('build', 'build for 200 members (all objects, actions)', 'ms', (n) =>
      median(times[n]),
    ),
    figureOf('heap', 'heap retained by the built engine', 'bytes', (n) => heap[n]),
    figureOf('compile', '  of which tiergate compilePolicy', 'ms', only(warm.compileMs)),
    figureOf('warm', `  of which tiergate warm() (${warm.plans} plans)`, 'ms', only(warm.warmMs)),
    figureOf('warm heap', '  heap retained by warm()', 'bytes', only(warm.warmBytes)),
  ];
}
