import { describe, expect, it } from 'vitest';
import { MAX_REFUSED_BODY_READ, RecentDeliveries, claimedRecord } from './recent-deliveries.js';

describe('RecentDeliveries', () => {
  it('answers for the record ids it saw, with how each webhook ended', () => {
    const recent = new RecentDeliveries();
    recent.note('r1', 'company.created', 'accepted');
    recent.note('r1', 'company.destroyed', 'duplicate');
    expect(recent.of('r1')).toEqual([
      { eventName: 'company.created', outcome: 'accepted' },
      { eventName: 'company.destroyed', outcome: 'duplicate' },
    ]);
    expect(recent.of('r2')).toEqual([]);
  });

  it('forgets the least recently seen record once it keeps its most', () => {
    const recent = new RecentDeliveries(2);
    recent.note('r1', 'company.created', 'accepted');
    recent.note('r2', 'company.created', 'accepted');
    recent.note('r1', 'company.updated', 'accepted');
    recent.note('r3', 'company.created', 'accepted');
    expect(recent.of('r2')).toEqual([]);
    expect(recent.of('r1')).toHaveLength(2);
    expect(recent.of('r3')).toHaveLength(1);
  });

  it('keeps no id longer than a record id can be', () => {
    const recent = new RecentDeliveries();
    recent.note('x'.repeat(65), 'company.created', 'unauthorized');
    expect(recent.of('x'.repeat(65))).toEqual([]);
  });
});

describe('claimedRecord', () => {
  it('reads the record id and event a refused body names, and nothing from a large one', () => {
    const body = { eventName: 'company.created', record: { id: 'r1' } };
    expect(claimedRecord(Buffer.from(JSON.stringify(body)))).toEqual({
      recordId: 'r1',
      eventName: 'company.created',
    });
    expect(claimedRecord(Buffer.from('not json'))).toBeUndefined();
    const large = { ...body, padding: 'x'.repeat(MAX_REFUSED_BODY_READ) };
    expect(claimedRecord(Buffer.from(JSON.stringify(large)))).toBeUndefined();
  });
});
