/**
 * The export limit as every enforced surface applies it (GraphQL and REST alike): a read waits
 * for step-up once the member has reached the limit in the window, an answer that would take
 * the member past it is not served (nested pages multiply), and what is served is counted.
 */
import type { ExportMeter } from './export-meter.js';
import { Denial } from './denial.js';

export interface Metering {
  readonly meter?: ExportMeter | undefined;
  readonly now: () => number;
  /** Reads served to the client, by member (for monitoring). */
  readonly onRows?: ((member: string, rows: number) => void) | undefined;
}

const HOW = 'confirm a TOTP code at POST /tiergate/step-up';

/** Before a request: refused once the member has read the limit in the window. */
export function requireUnderLimit(metering: Metering, member: string): void {
  if (!metering.meter) return;
  const check = metering.meter.check(member, metering.now());
  if (!check.allowed)
    throw new Denial(
      'STEP_UP_REQUIRED',
      `Step-up required: ${check.rowsInWindow} records read in the window, the limit without step-up is ${check.limit}; ${HOW}`,
      { rowsInWindow: check.rowsInWindow, limit: check.limit },
    );
}

/**
 * After the answer is judged: refused when its rows would take the member past the limit
 * (they are not counted, since the member never gets them), else counted. The check and the
 * count are one synchronous step just before the answer leaves, so answers to parallel
 * requests are weighed one after another: they cannot all pass under the limit together.
 */
export function countServed(metering: Metering, member: string, rows: number): void {
  if (rows === 0) return;
  const { meter } = metering;
  if (meter) {
    const remaining = meter.remaining(member, metering.now());
    if (rows > remaining)
      throw new Denial(
        'STEP_UP_REQUIRED',
        `Step-up required: this answer holds ${rows} records and ${remaining} more may be read in the window without step-up (limit ${meter.limit}); ${HOW}, or ask for fewer`,
        { rows, remaining, limit: meter.limit },
      );
    meter.record(member, rows, metering.now());
  }
  metering.onRows?.(member, rows);
}
