import { describe, expect, it } from 'vitest';
import { isOwnMaintenance } from './worker.js';
import type { RecordEvent } from './watchdog.js';

const OWN_KEY = 'Tiergate add-on';
const apiKey = (name: string) => ({ source: 'API', workspaceMemberId: null, name, context: {} });
const member = (id: string) => ({
  source: 'MANUAL',
  workspaceMemberId: id,
  name: 'Ann',
  context: {},
});

/** An update as Twenty 2.43 reports it: `updatedFields` is what changed, stamps included. */
function update(
  updatedFields: string[],
  updatedBy: object,
  workspaceMemberId?: string,
): RecordEvent {
  return {
    object: 'opportunity',
    action: 'updated',
    recordId: 'o-1',
    after: { id: 'o-1', name: 'Deal', tiergateViewers: ['w-ann'], updatedBy },
    updatedFields,
    ...(workspaceMemberId === undefined ? {} : { workspaceMemberId }),
  };
}

describe("Tiergate's own writes, as Twenty 2.43 reports them", () => {
  it('recognises its viewers rewrite though updatedFields names the moved updatedBy too', () => {
    // The record was last written by a member: Twenty's diff lists updatedBy beside the field.
    expect(
      isOwnMaintenance(update(['tiergateViewers', 'updatedBy'], apiKey(OWN_KEY)), OWN_KEY),
    ).toBe(true);
    expect(isOwnMaintenance(update(['tiergateViewers'], apiKey(OWN_KEY)), OWN_KEY)).toBe(true);
  });

  it('does not take a foreign write to the same record for its own', () => {
    // A member renaming the record right after Tiergate's rewrite.
    expect(isOwnMaintenance(update(['name', 'updatedBy'], member('w-ann'), 'w-ann'), OWN_KEY)).toBe(
      false,
    );
    // A member writing the helper field itself.
    expect(
      isOwnMaintenance(update(['tiergateViewers', 'updatedBy'], member('w-ann'), 'w-ann'), OWN_KEY),
    ).toBe(false);
    // Another key writing the helper field, or a key named alike.
    expect(
      isOwnMaintenance(update(['tiergateViewers', 'updatedBy'], apiKey('Zapier')), OWN_KEY),
    ).toBe(false);
    // Tiergate's key changing more than its helper fields.
    expect(isOwnMaintenance(update(['tiergateViewers', 'name'], apiKey(OWN_KEY)), OWN_KEY)).toBe(
      false,
    );
    // The key's stamp on a call that names a member (no API-key call does): fail closed.
    expect(isOwnMaintenance(update(['tiergateViewers'], apiKey(OWN_KEY), 'w-ann'), OWN_KEY)).toBe(
      false,
    );
  });

  it('does not take a change of stamps alone for its own maintenance', () => {
    // Only updatedBy moved: the same values written again by Tiergate's key is no helper write.
    expect(isOwnMaintenance(update(['updatedBy'], apiKey(OWN_KEY)), OWN_KEY)).toBe(false);
    expect(isOwnMaintenance(update([], apiKey(OWN_KEY)), OWN_KEY)).toBe(false);
  });

  it('takes only a viewers rewrite for its own, not another tiergate field its key name wrote', () => {
    // A key sharing Tiergate's name (Twenty allows it) changing the tier on a record.
    expect(isOwnMaintenance(update(['tiergateTier', 'updatedBy'], apiKey(OWN_KEY)), OWN_KEY)).toBe(
      false,
    );
    expect(
      isOwnMaintenance(update(['tiergateViewers', 'tiergateRole'], apiKey(OWN_KEY)), OWN_KEY),
    ).toBe(false);
  });

  it('knows no write as its own without its key name', () => {
    expect(isOwnMaintenance(update(['tiergateViewers'], apiKey(OWN_KEY)), undefined)).toBe(false);
  });
});
