/**
 * The yes/no of an action plan on a record, generated as straight-line code per plan: what
 * `Judge.can` and the field lists ask on every record, without building or reading a Decision.
 * Clauses become `if`s over the owner readers, the owner set (or the one owner, compared without
 * hashing), the clause's condition and the restrictions' exclusions, exactly as `decideRecord`
 * walks them. No policy text becomes code: the parts are passed in as values, field names as
 * JSON string literals (as `compileReader` embeds them).
 */
import { INHERITED, type Condition, type PathReader } from './condition.js';
import { conditionCode } from './condition-code.js';

type Row = Readonly<Record<string, unknown>>;
export type Allows = (record: Row) => boolean;

/** What one clause needs to be judged: see `Clause` in action-plan.ts. */
export interface AllowClause {
  readonly members: ReadonlySet<string> | null;
  readonly only: string | undefined;
  /** The clause's condition, resolved for the member (the records where it is TRUE). */
  readonly where: Condition | undefined;
  /** Per restriction, the records it leaves (where its condition is FALSE). */
  readonly exclusions: readonly { readonly leaves: Condition }[];
}

const NEVER: Allows = () => false;
const ALWAYS: Allows = () => true;

export function compileAllows(
  clauses: readonly AllowClause[],
  owners: readonly PathReader[],
  ownerPaths: readonly (readonly string[])[],
): Allows {
  if (clauses.length === 0) return NEVER;
  const only = clauses[0];
  if (clauses.length === 1 && only?.members === null && !only.where && only.exclusions.length === 0)
    return ALWAYS;
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `v${values.length - 1}`;
  };
  // A top-level owner field is read inline (a JSON string literal); a nested one by its reader.
  const readers = owners.map((read, i) => {
    const path = ownerPaths[i];
    const key = path?.[0];
    return path?.length === 1 && key !== undefined && !INHERITED.has(key)
      ? `r[${JSON.stringify(key)}]`
      : `${bind(read)}(r)`;
  });
  const body: string[] = ['let o, v, t;'];
  for (const clause of clauses) {
    const checks: string[] = [];
    if (clause.members !== null) {
      if (readers.length === 0) continue;
      const match =
        clause.only !== undefined
          ? (o: string) => `${o} === ${bind(clause.only)}`
          : (o: string) => `${bind(clause.members)}.has(${o})`;
      checks.push(
        `(${readers.map((read) => `((o = ${read}), typeof o === 'string' && ${match('o')})`).join(' || ')})`,
      );
    }
    if (clause.where) checks.push(conditionCode(clause.where, bind).isTrue);
    // Under SQL's NOT, unknown stays unknown and the host drops the row: exclude unless FALSE.
    for (const e of clause.exclusions) checks.push(conditionCode(e.leaves, bind).isTrue);
    body.push(
      checks.length === 0
        ? 'return true;'
        : `if (${checks.map((c) => `(${c})`).join(' && ')}) return true;`,
    );
  }
  body.push('return false;');
  const code = body.join('\n');
  // Plans of one shape share one function literal (only the values differ): it is compiled
  // once, and a call site that meets many plans sees one target per shape, which V8 can inline.
  let make = factories.get(code);
  if (!make) {
    const names = values.map((_, n) => `v${n}`);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- values passed in, names as JSON literals only
    make = new Function(...names, `return function allows(r) { ${code} };`) as Factory;
    factories.set(code, make);
  }
  return make(...values);
}

type Factory = (...parts: unknown[]) => Allows;
/** Generated functions by their code: one per shape of plan (clauses, owner fields, operators). */
const factories = new Map<string, Factory>();

/**
 * Which of up to 30 conditions are TRUE on a record, as a bit mask (bit i for condition i): the
 * outcome of a field plan's `when` caps, in one generated function.
 */
export function compileMask(conditions: readonly Condition[]): (record: Row) => number {
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `v${values.length - 1}`;
  };
  const body = conditions.map(
    (condition, i) => `if (${conditionCode(condition, bind).isTrue}) m |= ${1 << i};`,
  );
  const names = values.map((_, n) => `v${n}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- values passed in, names as JSON literals only
  const make = new Function(
    ...names,
    `return function mask(r) { let m = 0, v, t; ${body.join('\n')} return m; };`,
  ) as (...parts: unknown[]) => (record: Row) => number;
  return make(...values);
}
