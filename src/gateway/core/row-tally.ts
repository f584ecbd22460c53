/**
 * What one answer reveals, in rows, for the export limit (POLICY.md `security.export`):
 *
 * - a record counts once however often the answer shows it (under two aliases, nested under
 *   several parents, as an edge and as its node), known by its object and id; a record whose id
 *   the answer does not hold counts every time it is shown;
 * - an edge asked without its node counts as its record: its cursor stands for it, and the
 *   client pages on with it;
 * - every aggregate value counts as one row: `min`/`max` give one record's value outright, and
 *   any aggregate over a filter or group narrowed to one record does too; an aggregate over N
 *   records tells less than N rows, so counting it as N would punish dashboards for nothing;
 * - a `groupBy` group counts as one row (its dimension values, `id` or another unique field
 *   among them, are a record's values), or as its aggregate values when it answers more.
 */
export class RowTally {
  readonly #records = new Set<string>();
  #unknown = 0;
  #values = 0;

  /** A record shown to the client; `id` undefined when the answer does not hold it. */
  record(object: string, id: unknown): void {
    if (typeof id === 'string' && id !== '') this.#records.add(`${object}\u0000${id}`);
    else this.#unknown++;
  }

  /** Aggregate values answered beside records (a connection's `totalCount`, `sum…`, `min…`). */
  aggregates(count: number): void {
    this.#values += count;
  }

  /** One `groupBy` group answering `aggregates` aggregate values. */
  group(aggregates: number): void {
    this.#values += Math.max(1, aggregates);
  }

  /** The rows this answer counts for. */
  get rows(): number {
    return this.#records.size + this.#unknown + this.#values;
  }
}
