/**
 * Row-level predicates on DATE and DATE_TIME fields, as twenty-shared's
 * `utils/filter/turnRecordFilterIntoGqlOperationFilter.ts` builds them. Row-level filters are
 * built with no time zone; the sandbox takes UTC (UNVERIFIED: Twenty falls back to the server's
 * zone for "now").
 */
import { relativeRange } from './rls-relative-dates.js';
import type { FieldPredicate, RowTest } from './rls-values.js';
import { DENY, column, valueText } from './rls-values.js';
import type { Truth } from './sql-logic.js';
import { and, compare } from './sql-logic.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of an instant, in UTC. */
function plainDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function dateCell(record: Parameters<RowTest>[0], name: string, test: (d: string) => boolean) {
  return compare(column(record, name), (v) => test(valueText(v).slice(0, 10)));
}

/**
 * DATE: `IS_IN_PAST` is `< today`, `IS_IN_FUTURE` `>= today`, `IS_TODAY` `= today`, `IS_AFTER`
 * `>= value`, `IS_BEFORE` `< value`, `IS` `= value`, `IS_RELATIVE` `>= start and < end` of
 * the range's days (UNVERIFIED: twenty-shared resolves DATE ranges on plain dates).
 */
export function compileDateFilter({ field, operand, value, now }: FieldPredicate): RowTest {
  const today = plainDate(now);
  const day = valueText(value).slice(0, 10);
  const on = (test: (d: string) => boolean): RowTest => {
    return (record) => dateCell(record, field.name, test);
  };
  switch (operand) {
    case 'IS_IN_PAST':
      return on((d) => d < today);
    case 'IS_IN_FUTURE':
      return on((d) => d >= today);
    case 'IS_TODAY':
      return on((d) => d === today);
    case 'IS_AFTER':
      return on((d) => d >= day);
    case 'IS_BEFORE':
      return on((d) => d < day);
    case 'IS':
      return on((d) => d === day);
    case 'IS_RELATIVE': {
      const range = relativeRange(valueText(value), now);
      if (range === undefined) return DENY;
      const [start, end] = [plainDate(new Date(range.start)), plainDate(new Date(range.end))];
      return on((d) => d >= start && d < end);
    }
    default:
      return DENY;
  }
}

function instantCell(record: Parameters<RowTest>[0], name: string, test: (ms: number) => boolean) {
  return compare(column(record, name), (v) => test(Date.parse(valueText(v))));
}

function between(name: string, start: number, end: number): RowTest {
  return (record): Truth =>
    and([
      instantCell(record, name, (ms) => ms >= start),
      instantCell(record, name, (ms) => ms < end),
    ]);
}

/** Midnight UTC of the day `value` names (a date, or an instant's day). */
function dayStart(value: string): number {
  return Date.parse(`${value.slice(0, 10)}T00:00:00.000Z`);
}

/**
 * DATE_TIME: `IS_IN_PAST` is `< now` and `IS_IN_FUTURE` `> now` (now rounded to the minute),
 * `IS_TODAY` and `IS` the day's `[start, next start)`, `IS_AFTER` `>= value`, `IS_BEFORE`
 * `< value`, `IS_RELATIVE` the range `[start, end)` (`rls-relative-dates.ts`). An empty or
 * unparsable value throws there, so it denies here.
 */
export function compileDateTimeFilter({ field, operand, value, now }: FieldPredicate): RowTest {
  const name = field.name;
  const minute = Math.round(now.getTime() / 60_000) * 60_000;
  const today = dayStart(now.toISOString());
  switch (operand) {
    case 'IS_IN_PAST':
      return (record) => instantCell(record, name, (ms) => ms < minute);
    case 'IS_IN_FUTURE':
      return (record) => instantCell(record, name, (ms) => ms > minute);
    case 'IS_TODAY':
      return between(name, today, today + DAY_MS);
    case 'IS_RELATIVE': {
      const range = relativeRange(valueText(value), now);
      return range === undefined ? DENY : between(name, range.start, range.end);
    }
    default:
      return compareWithValue(name, operand, valueText(value));
  }
}

function compareWithValue(name: string, operand: FieldPredicate['operand'], text: string): RowTest {
  const instant = Date.parse(text);
  if (text === '' || Number.isNaN(instant)) return DENY;
  switch (operand) {
    case 'IS':
      return between(name, dayStart(text), dayStart(text) + DAY_MS);
    case 'IS_AFTER':
      return (record: Parameters<RowTest>[0]) => instantCell(record, name, (ms) => ms >= instant);
    case 'IS_BEFORE':
      return (record: Parameters<RowTest>[0]) => instantCell(record, name, (ms) => ms < instant);
    default:
      return DENY;
  }
}
