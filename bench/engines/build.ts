/**
 * Building the four engines from one workload, each timed and (with --expose-gc) weighed.
 * "Compile" is everything an engine needs before its first decision: for Tiergate the compiled
 * policy and the plans of all 200 members × 3 objects (which it builds lazily otherwise), for
 * CASL the 200 abilities, for casbin the enforcer with its policy, for the baseline its tables.
 */
import { compilePolicy, type Policy } from '../../src/index.js';
import { heapOf, median, timeNsAsync } from '../measure.js';
import type { EngineName } from '../report.js';
import type { Workload } from '../workload.js';
import { baselineEngine, compileBaseline } from './baseline.js';
import { casbinEngine, compileCasbin } from './casbin.js';
import { caslEngine, compileCasl } from './casl.js';
import { compileTiergate, tiergateEngine } from './tiergate.js';
import type { BenchEngine } from './types.js';

export type Engines = Readonly<Record<EngineName, BenchEngine>>;

export interface Built {
  readonly engines: Engines;
  readonly heapBytes: Readonly<Partial<Record<EngineName, number>>>;
}

type Compile = () => Promise<BenchEngine>;

function compilers(workload: Workload, policy: Policy): Readonly<Record<EngineName, Compile>> {
  const ids = workload.members.map((m) => m.id);
  const { members, closures } = workload;
  return {
    tiergate: () => Promise.resolve(tiergateEngine(compileTiergate(policy, ids))),
    baseline: () => Promise.resolve(baselineEngine(compileBaseline(members, closures))),
    casl: () => Promise.resolve(caslEngine(compileCasl(members, closures))),
    casbin: async () => casbinEngine(await compileCasbin(members, closures)),
  };
}

/** Builds each engine once, measuring the heap it retains. */
export async function buildEngines(workload: Workload, policy: Policy): Promise<Built> {
  const make = compilers(workload, policy);
  const heapBytes: Partial<Record<EngineName, number>> = {};
  const built: Partial<Record<EngineName, BenchEngine>> = {};
  for (const name of ['tiergate', 'baseline', 'casl', 'casbin'] as const) {
    const { value, bytes } = await heapOf(make[name]);
    built[name] = value;
    if (bytes !== undefined) heapBytes[name] = bytes;
  }
  const { tiergate, baseline, casl, casbin } = built;
  if (!tiergate || !baseline || !casl || !casbin) throw new Error('an engine failed to build');
  return { engines: { tiergate, baseline, casl, casbin }, heapBytes };
}

/** Compile time per engine: `rounds` builds, interleaved, in ms per build. */
export async function compileTimes(
  workload: Workload,
  policy: Policy,
  rounds: number,
): Promise<Record<EngineName, number[]>> {
  const make = compilers(workload, policy);
  const times: Record<EngineName, number[]> = { tiergate: [], baseline: [], casl: [], casbin: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of ['tiergate', 'baseline', 'casl', 'casbin'] as const) {
      const ns = await timeNsAsync(make[name]);
      times[name].push(ns / 1e6);
    }
  }
  return times;
}

/** Tiergate's compile step alone (no member plans), median of 5, for the notes. */
export function tiergateCompileOnly(policy: Policy): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    compilePolicy(policy);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}
