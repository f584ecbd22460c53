/**
 * The yes/no of an action plan on a record, generated as straight-line code per plan: what
 * `Judge.can` and the field lists ask on every record, without building or reading a Decision.
 * Clauses become `if`s over the owner readers, the owner set (or the one owner, compared without
 * hashing), the clause's condition and the restrictions' exclusions, exactly as `decideRecord`
 * walks them; no policy text becomes code (the parts are passed in as values).
 */
import type { CompiledCondition, PathReader } from './condition.js';

type Row = Readonly<Record<string, unknown>>;
export type Allows = (record: Row) => boolean;

/** What one clause needs to be judged: see `Clause` in action-plan.ts. */
export interface AllowClause {
  readonly members: ReadonlySet<string> | null;
  readonly only: string | undefined;
  readonly test: CompiledCondition | undefined;
  readonly exclusions: readonly { readonly test: CompiledCondition }[];
}

const NEVER: Allows = () => false;
const ALWAYS: Allows = () => true;

export function compileAllows(
  clauses: readonly AllowClause[],
  owners: readonly PathReader[],
): Allows {
  if (clauses.length === 0) return NEVER;
  const only = clauses[0];
  if (clauses.length === 1 && only?.members === null && !only.test && only.exclusions.length === 0)
    return ALWAYS;
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `v${values.length - 1}`;
  };
  const readers = owners.map((read) => bind(read));
  const body: string[] = ['let o;'];
  for (const clause of clauses) {
    const checks: string[] = [];
    if (clause.members !== null) {
      if (readers.length === 0) continue;
      const match =
        clause.only !== undefined
          ? (o: string) => `${o} === ${bind(clause.only)}`
          : (o: string) => `${bind(clause.members)}.has(${o})`;
      checks.push(
        `(${readers.map((r) => `((o = ${r}(r)), typeof o === 'string' && ${match('o')})`).join(' || ')})`,
      );
    }
    if (clause.test) checks.push(`${bind(clause.test)}(r) === true`);
    // Under SQL's NOT, unknown stays unknown and the host drops the row: exclude unless FALSE.
    for (const e of clause.exclusions) checks.push(`${bind(e.test)}(r) === false`);
    body.push(checks.length === 0 ? 'return true;' : `if (${checks.join(' && ')}) return true;`);
  }
  body.push('return false;');
  // One function per plan, not one per shape: a shared function's call sites would see every
  // plan's tests and turn megamorphic (measured: decisions 20-30% slower).
  const names = values.map((_, i) => `v${i}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the parts are passed as values, no policy text is code
  const make = new Function(...names, `return function allows(r) { ${body.join('\n')} };`) as (
    ...parts: unknown[]
  ) => Allows;
  return make(...values);
}
