/**
 * Building the four engines from one workload, each timed and (with --expose-gc) weighed.
 * "Build" is everything an engine needs before its first answer, for all 200 members: for
 * Tiergate `compilePolicy`, `warm()` (every member × object × action plan) and a judge per
 * member; for CASL the 200 abilities; for casbin the enforcer with its policy; for the baseline
 * its tables, generated projectors and judges. Tiergate's `warm()` is also measured alone.
 */
import { compilePolicy, type Policy } from '../../src/index.js';
import { collectGarbage, heapOf, median, timeNsAsync } from '../measure.js';
import { ENGINES, type EngineName } from '../report.js';
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
  const { members, closures } = workload;
  return {
    tiergate: () => Promise.resolve(tiergateEngine(compileTiergate(policy, members))),
    baseline: () => Promise.resolve(baselineEngine(compileBaseline(members, closures))),
    casl: () => Promise.resolve(caslEngine(compileCasl(members, closures))),
    casbin: async () => casbinEngine(await compileCasbin(members, closures), members),
  };
}

/** Builds each engine once, measuring the heap it retains. */
export async function buildEngines(workload: Workload, policy: Policy): Promise<Built> {
  const make = compilers(workload, policy);
  const heapBytes: Partial<Record<EngineName, number>> = {};
  const built: Partial<Record<EngineName, BenchEngine>> = {};
  for (const name of ENGINES) {
    const { value, bytes } = await heapOf(make[name]);
    built[name] = value;
    if (bytes !== undefined) heapBytes[name] = bytes;
  }
  const { tiergate, baseline, casl, casbin } = built;
  if (!tiergate || !baseline || !casl || !casbin) throw new Error('an engine failed to build');
  return { engines: { tiergate, baseline, casl, casbin }, heapBytes };
}

/**
 * Build time per engine: one unmeasured round, then `rounds` builds interleaved, each after a
 * full GC (so that none pays for the garbage of the build before), in ms per build.
 */
export async function buildTimes(
  workload: Workload,
  policy: Policy,
  rounds: number,
): Promise<Record<EngineName, number[]>> {
  const make = compilers(workload, policy);
  const times: Record<EngineName, number[]> = { tiergate: [], baseline: [], casl: [], casbin: [] };
  for (const name of ENGINES) await make[name]();
  for (let round = 0; round < rounds; round++) {
    for (const name of ENGINES) {
      collectGarbage();
      times[name].push((await timeNsAsync(make[name])) / 1e6);
    }
  }
  return times;
}

export interface WarmFigures {
  /** `compilePolicy` alone, ms (median). */
  readonly compileMs: number;
  /** `engine.warm()` alone on a fresh engine, ms (median). */
  readonly warmMs: number;
  /** Heap retained by what `warm()` builds, bytes (with --expose-gc). */
  readonly warmBytes: number | undefined;
  /** How many plans `warm()` reports building. */
  readonly plans: number;
}

/** Tiergate's compile step and its `warm()` measured apart. */
export async function tiergateWarm(policy: Policy, rounds: number): Promise<WarmFigures> {
  const compile: number[] = [];
  const warm: number[] = [];
  let plans = 0;
  for (let i = 0; i < rounds; i++) {
    collectGarbage();
    let start = process.hrtime.bigint();
    const engine = compilePolicy(policy);
    compile.push(Number(process.hrtime.bigint() - start) / 1e6);
    start = process.hrtime.bigint();
    plans = engine.warm();
    warm.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const engine = compilePolicy(policy);
  const { bytes } = await heapOf(() => {
    engine.warm();
    return engine;
  });
  return { compileMs: median(compile), warmMs: median(warm), warmBytes: bytes, plans };
}
