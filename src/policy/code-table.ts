/**
 * The generated checks of one engine, kept as the cases of one function: plans of one shape share
 * a case, and each passes its own values. A judge then calls one function whatever the plan,
 * where a closure per plan made its call site megamorphic and spread the hot path over thousands
 * of closures and their contexts (most of a decision's time went to those misses).
 */
type Row = Readonly<Record<string, unknown>>;

/** Runs the case `shape` with the plan's values `parts` on record `r`. */
export type Run<T> = (shape: number, parts: readonly unknown[], record: Row) => T;

/** Past this many cases a function grows too large for V8 to optimise: later shapes stand alone. */
export const MAX_SHAPES = 128;

export class CodeTable<T> {
  private readonly ids = new Map<string, number>();
  private readonly bodies: string[] = [];
  /**
   * The current function. A new shape only marks it stale, so that building many plans in a
   * row generates it once, on the first call after them.
   */
  run: Run<T>;

  /** `otherwise`: the statement run for a shape the table does not hold (never, in use). */
  constructor(private readonly otherwise: string) {
    this.run = this.stale;
  }

  /**
   * The case number of `body`, a statement list over `r` (the record), `p` (the plan's values)
   * and the scratch variables `o`, `v`, `t`; -1 when the table is full.
   */
  shapeOf(body: string): number {
    const found = this.ids.get(body);
    if (found !== undefined) return found;
    if (this.bodies.length >= MAX_SHAPES) return -1;
    const id = this.bodies.length;
    this.bodies.push(body);
    this.ids.set(body, id);
    this.run = this.stale;
    return id;
  }

  /** How many shapes the table holds. */
  get size(): number {
    return this.bodies.length;
  }

  private readonly stale: Run<T> = (shape, parts, record) => {
    const cases = this.bodies.map((body, i) => `case ${i}: {\n${body}\n}`).join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- values passed in as `p`, names as JSON literals only
    const make = new Function(
      `return function run(s, p, r) {\nlet o, v, t;\nswitch (s) {\n${cases}\n}\n${this.otherwise}\n};`,
    ) as () => Run<T>;
    this.run = make();
    return this.run(shape, parts, record);
  };
}

/** An engine's tables: action plans' yes/no, field plans' cap masks, and both at once for lists. */
export interface PlanCode {
  readonly allows: CodeTable<boolean>;
  readonly masks: CodeTable<number>;
  /** -1 where the plan denies the record, else the cap mask. */
  readonly lists: CodeTable<number>;
}
