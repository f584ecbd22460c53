/**
 * The yes/no of an action plan on a record, generated as straight-line code per plan: what
 * `Judge.can` and the field lists ask on every record, without building or reading a Decision.
 * Clauses become `if`s over the owner readers, the owner set (or the one owner, compared without
 * hashing), the clause's condition and the restrictions' exclusions, exactly as `decideRecord`
 * walks them. No policy text becomes code: the parts are passed in as values, field names as
 * JSON string literals (as `compileReader` embeds them). Plans of one shape share a case of the
 * engine's `CodeTable` (code-table.ts).
 */
import { INHERITED, type Condition, type PathReader } from './condition.js';
import type { CodeTable } from './code-table.js';
import { conditionCode, type Bind } from './condition-code.js';

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

/** A plan's yes/no: the case of the engine's table with the plan's values, and as a closure. */
export interface CompiledAllows {
  readonly allows: Allows;
  /** The table case (-1: none; the action is denied or granted everywhere, or the table is full). */
  readonly shape: number;
  readonly parts: readonly unknown[];
}

/** A field plan's cap mask: the same, returning which caps hold. */
export interface CompiledMask {
  readonly mask: (record: Row) => number;
  readonly shape: number;
  readonly parts: readonly unknown[];
}

/** Values bound for the generated code, named `p[i]`. */
function binder(): { readonly parts: unknown[]; readonly bind: (value: unknown) => string } {
  const parts: unknown[] = [];
  return {
    parts,
    bind: (value) => {
      parts.push(value);
      return `p[${parts.length - 1}]`;
    },
  };
}

/** The body as a function of its own, for a table that is full; one per body, reused. */
function standalone(body: string, parts: readonly unknown[]): (record: Row) => unknown {
  let make = alone.get(body);
  if (!make) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- values passed in as `p`, names as JSON literals only
    make = new Function('p', `return function check(r) { let o, v, t;\n${body}\n};`) as Factory;
    alone.set(body, make);
  }
  return make(parts);
}

type Factory = (parts: readonly unknown[]) => (record: Row) => unknown;
const alone = new Map<string, Factory>();

/** A plan's parts as the generated code reads them. */
export interface AllowsInput {
  readonly clauses: readonly AllowClause[];
  readonly owners: readonly PathReader[];
  readonly ownerPaths: readonly (readonly string[])[];
}

/** Statements running `yes` when some clause allows the record `r`, else `no`. */
function allowsBody(
  { clauses, owners, ownerPaths }: AllowsInput,
  bind: Bind,
  yes: string,
  no: string,
): string {
  // A top-level owner field is read inline (a JSON string literal); a nested one by its reader.
  const readers = owners.map((read, i) => {
    const path = ownerPaths[i];
    const key = path?.[0];
    return path?.length === 1 && key !== undefined && !INHERITED.has(key)
      ? `r[${JSON.stringify(key)}]`
      : `${bind(read)}(r)`;
  });
  const body: string[] = [];
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
      checks.length === 0 ? yes : `if (${checks.map((c) => `(${c})`).join(' && ')}) ${yes}`,
    );
  }
  body.push(no);
  return body.join('\n');
}

/** Statements returning which conditions are TRUE on `r`, as a bit mask. */
function maskBody(conditions: readonly Condition[], bind: Bind): string {
  const body = conditions.map(
    (condition, i) => `if (${conditionCode(condition, bind).isTrue}) m |= ${1 << i};`,
  );
  return `let m = 0;\n${body.join('\n')}\nreturn m;`;
}

function masked(code: string, parts: readonly unknown[], table: CodeTable<number>): CompiledMask {
  const shape = table.shapeOf(code);
  const mask =
    shape < 0
      ? (standalone(code, parts) as (record: Row) => number)
      : (record: Row): number => table.run(shape, parts, record);
  return { mask, shape, parts };
}

export function compileAllows(input: AllowsInput, table: CodeTable<boolean>): CompiledAllows {
  const { clauses } = input;
  if (clauses.length === 0) return { allows: NEVER, shape: -1, parts: [] };
  const only = clauses[0];
  if (clauses.length === 1 && only?.members === null && !only.where && only.exclusions.length === 0)
    return { allows: ALWAYS, shape: -1, parts: [] };
  const { parts, bind } = binder();
  const code = allowsBody(input, bind, 'return true;', 'return false;');
  const shape = table.shapeOf(code);
  const allows: Allows =
    shape < 0 ? (standalone(code, parts) as Allows) : (record) => table.run(shape, parts, record);
  return { allows, shape, parts };
}

/**
 * Which of up to 30 conditions are TRUE on a record, as a bit mask (bit i for condition i): the
 * outcome of a field plan's `when` caps, as one case of the engine's mask table.
 */
export function compileMask(
  conditions: readonly Condition[],
  table: CodeTable<number>,
): CompiledMask {
  const { parts, bind } = binder();
  return masked(maskBody(conditions, bind), parts, table);
}

/**
 * A plan's yes/no and its field plan's cap mask in one case: -1 where the plan denies the
 * record, else the mask. What a permitted-field list asks of every record, in one call.
 */
export function compileListCheck(
  input: AllowsInput,
  conditions: readonly Condition[],
  table: CodeTable<number>,
): CompiledMask {
  const { parts, bind } = binder();
  const allowed = allowsBody(input, bind, 'break allowed;', 'return -1;');
  return masked(`allowed: {\n${allowed}\n}\n${maskBody(conditions, bind)}`, parts, table);
}
