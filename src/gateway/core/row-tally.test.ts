import { describe, expect, it } from 'vitest';
import { RowTally } from './row-tally.js';

describe('the rows of one answer', () => {
  it('counts a record once however often it is shown, by object and id', () => {
    const tally = new RowTally();
    tally.record('company', 'c1');
    tally.record('company', 'c1');
    tally.record('person', 'c1');
    expect(tally.rows).toBe(2);
  });

  it('counts a record without an id every time it is shown', () => {
    const tally = new RowTally();
    tally.record('company', undefined);
    tally.record('company', undefined);
    tally.record('company', '');
    expect(tally.rows).toBe(3);
  });

  it('counts each aggregate value as a row, and a group as one row or its aggregates', () => {
    const tally = new RowTally();
    tally.aggregates(3);
    tally.group(0);
    tally.group(1);
    tally.group(4);
    expect(tally.rows).toBe(3 + 1 + 1 + 4);
  });
});
