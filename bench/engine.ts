/**
 * `npm run bench -- engine`: Tiergate against @casl/ability, node-casbin and a hand-written
 * baseline on one deterministic CRM workload with five actions, unions of scopes, a team scope
 * keyed by a record field, restrictions and a value cap. Checks first that all four agree on
 * every sampled question (and exits 1 without timing anything if they do not), then measures
 * decisions, permitted-field lists, filtered-and-projected lists, build time and heap, engines
 * interleaved, and prints medians, ratios and the goals (PASS / FAIL, never an exit 1).
 */
import os from 'node:os';
import { checkAgreement, type Agreement } from './agreement.js';
import { agreementCases } from './cases.js';
import { buildEngines, type Engines } from './engines/build.js';
import {
  buildFigures,
  CASBIN_SAMPLE,
  LIST_OBJECT,
  measureFigures,
  memberIndex,
  REQUESTS,
  ROUNDS,
  SEEDS,
  WARMUP,
} from './figures.js';
import { checksum, gcExposed } from './measure.js';
import { benchPolicy } from './policy.js';
import { printGoals, printTable } from './report.js';
import { BENCH_ACTIONS } from './rules.js';
import { buildWorkload, RECORDS_PER_OBJECT, type Request, type Workload } from './workload.js';

const AGREEMENT_TRIPLES = 3_000;
/** casbin answers every question on the first triples, `can` and one field state on more. */
const CASBIN_AGREEMENT = { full: 20, partial: 600 } as const;

function printAgreement(a: Agreement): number {
  console.log(
    `agreement: ${a.triples} sampled (member, action, record, field) triples (${AGREEMENT_TRIPLES} random, the rest one per member and action on an own record), ${a.questions} answers compared with the baseline's`,
  );
  console.log(
    `  every triple: can, fields and permitted-field list for each of ${BENCH_ACTIONS.join('/')}, its field's state, the read projection (casbin: all of it on the first ${CASBIN_AGREEMENT.full} triples, can + field state on the first ${CASBIN_AGREEMENT.partial})`,
  );
  const covered = [...a.coverage].map(([label, n]) => `${label} ${n}`).join('; ');
  console.log(`  covers: ${covered}`);
  const empty = [...a.coverage].filter(([, n]) => n === 0).map(([label]) => label);
  if (empty.length > 0) console.log(`  NOT COVERED: ${empty.join('; ')}`);
  for (const [path, n] of a.byPath) console.log(`    ${path}: ${n} triples differ from baseline`);
  for (const example of a.examples) console.log(`    e.g. ${example}`);
  console.log(`MISMATCHES: ${a.mismatches}`);
  return a.mismatches;
}

function printHeader(workload: Workload, policyMs: number, workloadMs: number): void {
  const cpus = os.cpus();
  console.log(
    `tiergate engine benchmark — node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}`,
  );
  console.log(
    `workload: 3 objects x 40 fields x ${RECORDS_PER_OBJECT} records, 5 tiers, ${workload.members.length} members (3-level manager tree), ${workload.teams.length} teams, actions ${BENCH_ACTIONS.join('/')}; built in ${workloadMs.toFixed(0)} ms; policy validated in ${policyMs.toFixed(1)} ms`,
  );
  console.log(
    `list members: selective ${workload.selective.id} (junior: own records and its teams' records), read-all ${workload.everything.id} (director)`,
  );
  if (!gcExposed) console.log('note: run with --expose-gc for heap figures');
  printLoad('at start');
  console.log('');
}

/** Other processes on the machine move every figure: the load says how much to trust them. */
function printLoad(when: string): void {
  const [load = 0] = os.loadavg();
  const cores = os.cpus().length;
  const busy =
    load > cores * 0.75 ? ' — BUSY MACHINE: figures are noisy, rerun on an idle one' : '';
  console.log(`load average ${when}: ${load.toFixed(2)} on ${cores} cores${busy}`);
}

function allowedShares(engines: Engines, requests: readonly Request[]): string {
  return BENCH_ACTIONS.map((action) => {
    const of = requests.filter((r) => r.action === action);
    const allowed = engines.baseline.canAll(of);
    return `${action} ${of.length} (${((100 * allowed) / Math.max(1, of.length)).toFixed(0)}% allowed)`;
  }).join(', ');
}

function printNotes(workload: Workload, engines: Engines): void {
  const records = workload.records.get(LIST_OBJECT) ?? [];
  const kept = (id: string) =>
    engines.baseline.list(memberIndex(workload, id), LIST_OBJECT, records);
  console.log('');
  console.log(
    `medians of ${ROUNDS} interleaved rounds after ${WARMUP} warm-up rounds, each a mean over at least 50 ms of runs, after a full GC; lists on ${LIST_OBJECT}`,
  );
  console.log(
    `requests per round: ${REQUESTS} (half near the member, half random): ${allowedShares(engines, workload.requests(SEEDS.requests, REQUESTS))}`,
  );
  console.log(
    `casbin samples per round: ${CASBIN_SAMPLE.can} decisions, ${CASBIN_SAMPLE.permitted} field lists, ${CASBIN_SAMPLE.selective} / ${CASBIN_SAMPLE.readAll} list records (extrapolated to 10k, its per-member field levels counted once)`,
  );
  console.log(
    `rows kept: selective ${kept(workload.selective.id)} of ${RECORDS_PER_OBJECT}, read-all ${kept(workload.everything.id)} of ${RECORDS_PER_OBJECT}`,
  );
  console.log(
    'ratios: how many times faster (or smaller) Tiergate is; < 1 means Tiergate is slower (or larger); heap deltas under ~0.5 MiB are GC noise',
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
  const triples = [
    ...workload.triples(SEEDS.agreement, AGREEMENT_TRIPLES),
    ...workload.targeted(SEEDS.agreement),
  ];
  const mismatches = printAgreement(
    checkAgreement(engines, triples, CASBIN_AGREEMENT, agreementCases(workload)),
  );
  console.log('');
  if (mismatches > 0) {
    console.log('the engines disagree: nothing is timed (fix the disagreement first)');
    return 1;
  }

  const figures = [
    ...measureFigures(workload, engines),
    ...(await buildFigures(workload, policy, heapBytes)),
  ];
  printTable(figures);
  printNotes(workload, engines);
  printLoad('at end');
  printGoals(figures);
  console.log(`(checksum ${checksum()})`);
  return 0;
}
