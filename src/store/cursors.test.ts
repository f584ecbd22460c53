/**
 * The sweep's lease and known records, on PGlite and on PostgreSQL alike: one holder at a time,
 * renewable by its holder, free again once it ends or is given back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLease,
  countKnownRecords,
  knownIds,
  knownVersions,
  markMissing,
  releaseLease,
  rememberRecords,
} from './cursors.js';
import { emptyStore, storeBackends } from './store.test-support.js';
import type { Store } from './store.js';

describe.each(storeBackends())('the sweep state on $name', (backend) => {
  let store: Store;
  let other: Store;
  beforeAll(async () => {
    ({ store, other } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(() => emptyStore(store));

  it('gives the lease to one holder until it ends or is given back', async () => {
    expect(await acquireLease(store.db, 'sweep', 'a', 60_000)).toBe(true);
    expect(await acquireLease(other.db, 'sweep', 'b', 60_000)).toBe(false);
    // Its holder renews it.
    expect(await acquireLease(store.db, 'sweep', 'a', 60_000)).toBe(true);
    await releaseLease(other.db, 'sweep', 'b'); // not b's to give back
    expect(await acquireLease(other.db, 'sweep', 'b', 60_000)).toBe(false);
    await releaseLease(store.db, 'sweep', 'a');
    expect(await acquireLease(other.db, 'sweep', 'b', 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // b's lease has ended (b stalled or died): a may take it.
    expect(await acquireLease(store.db, 'sweep', 'a', 60_000)).toBe(true);
    expect(await acquireLease(other.db, 'sweep', 'b', 60_000)).toBe(false);
  });

  it('keeps a version once read whole, and an id seen alone without replacing it', async () => {
    await rememberRecords(store.db, 'company', [
      { recordId: 'c-1', version: 'v1' },
      { recordId: 'c-2', version: 'v1' },
    ]);
    await markMissing(store.db, 'company', ['c-2'], new Date('2027-01-01T00:00:00.000Z'));
    await rememberRecords(store.db, 'company', [
      { recordId: 'c-1', version: null },
      { recordId: 'c-2', version: null },
      { recordId: 'c-3', version: null },
    ]);
    expect(await knownVersions(store.db, 'company', ['c-1', 'c-2', 'c-3', 'c-4'])).toEqual(
      new Map([
        ['c-1', 'v1'],
        ['c-2', 'v1'],
        ['c-3', null],
      ]),
    );
    // Seen again: no longer missing.
    expect(await knownIds(store.db, 'company')).toEqual(
      new Map([
        ['c-1', null],
        ['c-2', null],
        ['c-3', null],
      ]),
    );
    expect(await countKnownRecords(store.db, 'company')).toBe(3);
    expect(await countKnownRecords(store.db, 'person')).toBe(0);
  });
});
