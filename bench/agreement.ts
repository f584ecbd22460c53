/**
 * The agreement check, run before anything is timed: on sampled (member, action, record, field)
 * triples, every engine must give the baseline's answers to every question the figures ask —
 * `can` for every action, every field's state for every action, permitted-field lists for every
 * action (compared sorted), the triple's own field state, and the read projection (keys and
 * values, a key holding undefined counts as present). casbin is sampled: it answers the full set
 * on the first triples only (one triple costs it about 400 enforcements of ~0.4 ms), then `can`
 * and the field state on more of them.
 */
import type { Engines } from './engines/build.js';
import type { BenchJudge, Projection } from './engines/types.js';
import { objectSpecOf } from './model.js';
import { ENGINES } from './report.js';
import { BENCH_ACTIONS } from './rules.js';
import type { Triple } from './workload.js';

export interface Agreement {
  readonly triples: number;
  readonly questions: number;
  /** Triples on which some engine's answer differs from the baseline's. */
  readonly mismatches: number;
  /** Per `engine question`, how many triples it differs on. */
  readonly byPath: ReadonlyMap<string, number>;
  readonly examples: readonly string[];
  /** How many triples fall in each case, to show what was covered. */
  readonly coverage: ReadonlyMap<string, number>;
}

/** A case the triples should cover, tested against the baseline's answers. */
export interface Case {
  readonly label: string;
  test(t: Triple, baseline: BenchJudge): boolean;
}

/** JSON of a projection with sorted keys; a key holding undefined shows as such. */
function canonical(p: Projection | null): string {
  if (p === null) return 'null';
  const keys = Object.keys(p).sort();
  return JSON.stringify(keys.map((k) => [k, p[k] === undefined ? '<undefined>' : p[k]]));
}

/** How much of a triple an engine answers. */
type Depth = 'full' | 'partial' | 'none';

/** How many triples casbin answers fully, and how many more it answers in part. */
export interface CasbinSample {
  readonly full: number;
  readonly partial: number;
}

/** question → answer, for one judge on one triple. */
function answers(j: BenchJudge, t: Triple, depth: Depth): Map<string, string> {
  const { action, object, record, field } = t;
  const out = new Map<string, string>();
  if (depth === 'none') return out;
  out.set(`can(${action})`, String(j.can(action, object, record)));
  out.set(`fieldState(${action}, ${field})`, j.fieldState(action, object, record, field));
  if (depth === 'partial') return out;
  out.set('project', canonical(j.project(object, record)));
  const fields = objectSpecOf(object).fields;
  for (const a of BENCH_ACTIONS) {
    out.set(`can(${a})`, String(j.can(a, object, record)));
    const states = j.fields(a, object, record);
    out.set(`fields(${a})`, fields.map((f) => `${f}=${states[f] ?? 'missing'}`).join(','));
    out.set(`permittedFields(${a})`, [...j.permittedFields(a, object, record)].sort().join(','));
  }
  return out;
}

function firstDifference(a: string, b: string): string {
  const left = a.split(',');
  const right = b.split(',');
  const i = left.findIndex((x, k) => x !== right[k]);
  if (i < 0) return `${a.slice(0, 80)} vs ${b.slice(0, 80)}`;
  return `at #${i}: ${left[i] ?? '(end)'} vs baseline ${right[i] ?? '(end)'}`;
}

export function checkAgreement(
  engines: Engines,
  triples: readonly Triple[],
  casbin: CasbinSample,
  cases: readonly Case[],
): Agreement {
  const coverage = new Map<string, number>(cases.map((c) => [c.label, 0]));
  const byPath = new Map<string, number>();
  const examples: string[] = [];
  let mismatches = 0;
  let questions = 0;
  triples.forEach((t, i) => {
    const base = engines.baseline.judge(t.m);
    for (const c of cases)
      if (c.test(t, base)) coverage.set(c.label, (coverage.get(c.label) ?? 0) + 1);
    const expected = answers(base, t, 'full');
    let differs = false;
    for (const name of ENGINES) {
      if (name === 'baseline') continue;
      const depth: Depth =
        name !== 'casbin' || i < casbin.full ? 'full' : i < casbin.partial ? 'partial' : 'none';
      const got = answers(engines[name].judge(t.m), t, depth);
      for (const [question, answer] of got) {
        questions++;
        const want = expected.get(question) ?? '';
        if (answer === want) continue;
        differs = true;
        const path = `${name} ${question.replace(/\(.*/, '')}`;
        byPath.set(path, (byPath.get(path) ?? 0) + 1);
        if (examples.length < 8)
          examples.push(
            `${name} ${question} on ${t.member} ${t.object} ${String(t.record.id)}: ${firstDifference(answer, want)}`,
          );
      }
    }
    if (differs) mismatches++;
  });
  return { triples: triples.length, questions, mismatches, byPath, examples, coverage };
}
