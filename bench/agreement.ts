/**
 * The agreement check: on random (member, record, field) triples, every engine must give the
 * same read decision and the same field state (hidden / masked / read / edit), through each
 * path the figures use; the decision paths must also agree on all 40 field states. Projections are compared too, as JSON (keys whose value is undefined
 * do not count as present there, so they are counted separately).
 */
import type { BenchEngine, FieldState, Projection } from './engines/types.js';
import { objectSpecOf } from './model.js';
import type { Triple } from './workload.js';

export interface AgreementEngines {
  readonly tiergate: BenchEngine;
  readonly baseline: BenchEngine;
  readonly casl: BenchEngine;
  readonly casbin: BenchEngine;
}

export interface Agreement {
  readonly triples: number;
  /** Triples on which some answer differs from another. */
  readonly mismatches: number;
  /** Per answer path, how many triples it differs from the baseline on. */
  readonly byPath: ReadonlyMap<string, number>;
  readonly examples: readonly string[];
  readonly projections: { readonly compared: number; readonly mismatches: number };
  /** Tiergate projections that carry a key whose value is undefined (a hidden field). */
  readonly undefinedKeys: { readonly records: number; readonly example?: string };
  /** How many triples fall in each case (by the baseline's answer), to show what was covered. */
  readonly coverage: ReadonlyMap<string, number>;
}

/** A case the triples should cover; `read` and `state` are the baseline's answer. */
export interface Case {
  readonly label: string;
  test(t: Triple, read: boolean, state: FieldState): boolean;
}

interface Answer {
  readonly path: string;
  readonly read: boolean;
  readonly state: FieldState;
  /** Every field's state, in data-model order, for the decision paths. */
  readonly all?: string;
}

function answers(e: AgreementEngines, t: Triple, full: boolean): Answer[] {
  const { member, object, record, field } = t;
  const list: Answer[] = [];
  const add = (engine: BenchEngine, withDecision: boolean): void => {
    const read = engine.canRead(member, object, record);
    list.push({
      path: engine.name,
      read,
      state: engine.fieldState(member, object, record, field),
    });
    if (!withDecision) return;
    const d = engine.decision(member, object, record);
    list.push({
      path: `${engine.name}.decision`,
      read: d.read,
      state: d.states[field] ?? 'hidden',
      all: objectSpecOf(object)
        .fields.map((f) => d.states[f] ?? 'missing')
        .join(','),
    });
  };
  add(e.baseline, true);
  add(e.tiergate, true);
  add(e.casl, true);
  // casbin's full decision costs 41 enforcements: checked on a subset only.
  add(e.casbin, full);
  return list;
}

/** JSON of a projection with sorted keys and undefined values dropped. */
function canonical(p: Projection | null): string {
  if (p === null) return 'null';
  const keys = Object.keys(p)
    .filter((k) => p[k] !== undefined)
    .sort();
  return JSON.stringify(keys.map((k) => [k, p[k]]));
}

function describe(t: Triple, list: readonly Answer[]): string {
  const got = list.map((a) => `${a.path}=${a.read ? 'allow' : 'deny'}/${a.state}`).join(' ');
  const fields = objectSpecOf(t.object).fields;
  const decisions = list.filter((a) => a.all !== undefined);
  const split = decisions.map((a) => (a.all ?? '').split(','));
  const differing = fields.filter((_, i) => new Set(split.map((states) => states[i])).size > 1);
  const detail = differing.slice(0, 2).map((f) => {
    const i = fields.indexOf(f);
    return `${f}: ${decisions.map((a, j) => `${a.path}=${split[j]?.[i] ?? ''}`).join(' ')}`;
  });
  const where = `${t.member} ${t.object} ${String(t.record.id)} ${t.field}`;
  return [`${where}: ${got}`, ...detail.map((d) => `      ${d}`)].join('\n');
}

export function checkAgreement(
  e: AgreementEngines,
  triples: readonly Triple[],
  casbinSubset: number,
  cases: readonly Case[],
): Agreement {
  const coverage = new Map<string, number>(cases.map((c) => [c.label, 0]));
  const byPath = new Map<string, number>();
  const examples: string[] = [];
  let mismatches = 0;
  let projectionMismatches = 0;
  let compared = 0;
  let undefinedRecords = 0;
  let undefinedExample: string | undefined;
  triples.forEach((t, i) => {
    const list = answers(e, t, i < casbinSubset);
    const [ref, refDecision] = list as [Answer, Answer];
    for (const c of cases)
      if (c.test(t, ref.read, ref.state)) coverage.set(c.label, (coverage.get(c.label) ?? 0) + 1);
    const differs = list.filter(
      (a) =>
        a.read !== ref.read ||
        a.state !== ref.state ||
        (a.all !== undefined && a.all !== refDecision.all),
    );
    for (const a of differs) byPath.set(a.path, (byPath.get(a.path) ?? 0) + 1);
    if (differs.length > 0) {
      mismatches++;
      if (examples.length < 5) examples.push(describe(t, list));
    }
    const engines = i < casbinSubset ? [e.tiergate, e.casl, e.casbin] : [e.tiergate, e.casl];
    const expected = canonical(e.baseline.project(t.member, t.object, t.record));
    for (const engine of engines) {
      compared++;
      const projected = engine.project(t.member, t.object, t.record);
      if (canonical(projected) !== expected) projectionMismatches++;
      if (engine === e.tiergate && projected) {
        const hidden = Object.keys(projected).filter((k) => projected[k] === undefined);
        if (hidden.length > 0) {
          undefinedRecords++;
          undefinedExample ??= `${t.member} ${t.object} ${String(t.record.id)}: ${hidden.join(', ')}`;
        }
      }
    }
  });
  return {
    triples: triples.length,
    mismatches,
    byPath,
    examples,
    projections: { compared, mismatches: projectionMismatches },
    undefinedKeys: {
      records: undefinedRecords,
      ...(undefinedExample === undefined ? {} : { example: undefinedExample }),
    },
    coverage,
  };
}
