/**
 * IS_RELATIVE ranges, `DIRECTION_AMOUNT_UNIT[_TIMEZONE…]` such as `PAST_7_DAY`, `NEXT_1_MONTH`
 * or `THIS_1_WEEK` (twenty-shared `utils/filter/dates/utils/relativeDateFilterStringifiedSchema.ts`
 * and `resolveRelativeDateTimeFilter.ts`): PAST is `[now - n units, now)`, NEXT
 * `[now, now + n units)`, THIS the current unit; now is rounded to the minute. The sandbox works
 * in UTC whatever time zone the value names (UNVERIFIED), and takes weeks to start on Monday
 * unless the value names another first day (UNVERIFIED default).
 */

export interface InstantRange {
  readonly start: number;
  readonly end: number;
}

const FIXED_MS: Readonly<Record<string, number>> = {
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
};
const MONTHS: Readonly<Record<string, number>> = { MONTH: 1, QUARTER: 3, YEAR: 12 };
const WEEK_DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** The range a relative value names, or undefined when it cannot be read (the query fails). */
export function relativeRange(value: string, now: Date): InstantRange | undefined {
  const [direction, amountText, unit = '', , , firstDay] = value.split('_');
  const reference = Math.round(now.getTime() / 60_000) * 60_000;
  const amount = Number.parseInt(amountText ?? '', 10);
  if (direction === 'THIS') return currentUnit(reference, unit, firstDay);
  if (!Number.isInteger(amount) || amount < 0) return undefined;
  if (direction === 'PAST') {
    const start = shift(reference, unit, -amount);
    return start === undefined ? undefined : { start, end: reference };
  }
  if (direction === 'NEXT') {
    const end = shift(reference, unit, amount);
    return end === undefined ? undefined : { start: reference, end };
  }
  return undefined;
}

function shift(instant: number, unit: string, amount: number): number | undefined {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined) return instant + amount * fixed;
  const months = MONTHS[unit];
  return months === undefined ? undefined : addMonths(instant, amount * months);
}

/** date-fns `addMonths`: the day of month is kept, or clamped to the target month's last day. */
function addMonths(instant: number, months: number): number {
  const date = new Date(instant);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

function currentUnit(
  reference: number,
  unit: string,
  firstDay: string | undefined,
): InstantRange | undefined {
  const date = new Date(reference);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (unit) {
    case 'DAY':
      return { start: dayStart, end: dayStart + (FIXED_MS.DAY ?? 0) };
    case 'WEEK': {
      const first = WEEK_DAYS.indexOf(firstDay ?? 'MONDAY');
      if (first < 0) return undefined;
      const start = dayStart - ((date.getUTCDay() - first + 7) % 7) * (FIXED_MS.DAY ?? 0);
      return { start, end: start + (FIXED_MS.WEEK ?? 0) };
    }
    case 'MONTH':
    case 'QUARTER':
    case 'YEAR': {
      const months = MONTHS[unit] ?? 1;
      const month = date.getUTCMonth() - (date.getUTCMonth() % months);
      const start = Date.UTC(date.getUTCFullYear(), month, 1);
      return { start, end: addMonths(start, months) };
    }
    default:
      return undefined;
  }
}
