import { describe, expect, it } from 'vitest';
import type { Authorizer } from '../authorizer.js';
import { coreError } from './errors.js';
import { at, harness, ids, list, P_ADA, P_BOB, P_CARLA, O_BIG } from './fixtures.test-support.js';

/** Refuses the operations named; records every operation checked. */
function refusing(...refused: string[]) {
  const checked: string[] = [];
  const authorizer: Authorizer = {
    check(request) {
      checked.push(`${request.object.nameSingular}:${request.operation}`);
      if (refused.includes(request.operation)) throw coreError('Permission denied');
    },
    rowFilter: () => undefined,
  };
  return { checked, authorizer };
}

const MERGE = `mutation($ids: [UUID!]!, $i: Int!, $dry: Boolean) {
  mergePeople(ids: $ids, conflictPriorityIndex: $i, dryRun: $dry) { id jobTitle city emails { primaryEmail } }
}`;

describe('mergePeople', () => {
  it('keeps the priority record, fills its empty fields from the others, and removes them', async () => {
    const h = harness();
    const data = await h.run(MERGE, { ids: [P_BOB, P_ADA], i: 0 });
    // Bob had no job title nor city: Ada's fill them; Bob's own email wins.
    expect(at(data, 'mergePeople')).toEqual({
      id: P_BOB,
      jobTitle: 'CEO',
      city: 'Paris',
      emails: { primaryEmail: 'bob@globex.com' },
    });
    expect(h.state.records.person?.[P_ADA]?.deletedAt).not.toBeNull();
    // Ada's opportunity now points at Bob.
    expect(h.state.records.opportunity?.[O_BIG]?.pointOfContactId).toBe(P_BOB);
  });

  it('changes nothing on a dry run, answering a preview with a fresh id', async () => {
    const h = harness();
    const data = await h.run(MERGE, { ids: [P_BOB, P_ADA], i: 0, dry: true });
    expect(at(data, 'mergePeople.id')).not.toBe(P_BOB);
    expect(h.state.records.person?.[P_ADA]?.deletedAt).toBeNull();
    expect(h.events).toEqual([]);
  });

  it("refuses in Twenty's words: fewer than 2 ids, a priority outside the list, an unknown id", async () => {
    const h = harness();
    const messages = async (variables: Record<string, unknown>) =>
      (await h.fail(MERGE, variables)).map((e) => e.message);
    expect(await messages({ ids: [P_BOB], i: 0 })).toEqual([
      'At least 2 record IDs are required for merge',
    ]);
    expect(await messages({ ids: [P_BOB, P_ADA], i: 2 })).toEqual([
      "Invalid conflict priority '2'. Valid options for 2 records: 0-1",
    ]);
    expect(await messages({ ids: [P_BOB, '00000000-0000-4000-8000-000000000000'], i: 0 })).toEqual([
      'One or more records not found',
    ]);
  });

  it('needs update and soft delete on the object, and changes nothing when refused', async () => {
    for (const operation of ['update', 'soft-delete']) {
      const { authorizer } = refusing(operation);
      const h = harness({ authorizer });
      await h.fail(MERGE, { ids: [P_BOB, P_ADA], i: 0 });
      expect(h.state.records.person?.[P_ADA]?.deletedAt).toBeNull();
      expect(h.events).toEqual([]);
    }
  });
});

describe('personDuplicates', () => {
  const DUPLICATES = `query($ids: [UUID], $data: [PersonCreateInput]) {
    personDuplicates(ids: $ids, data: $data) { edges { node { id } } totalCount }
  }`;

  it('finds the other live people sharing a criterion, per record given', async () => {
    const h = harness();
    const data = await h.run(DUPLICATES, {
      data: [
        { name: { firstName: 'Bob', lastName: 'Jones' } },
        { emails: { primaryEmail: 'ada@acme.com' } },
      ],
    });
    expect(
      list(data, 'personDuplicates').map((_, i) => ids(data, `personDuplicates.${i}`)),
    ).toEqual([[P_BOB], [P_ADA]]);
    // Same last name only is no criterion: Carla Smith is no duplicate of Ada Smith.
    const byId = await h.run(DUPLICATES, { ids: [P_ADA] });
    expect(ids(byId, 'personDuplicates.0')).not.toContain(P_CARLA);
  });

  it('is a read of the object and of the fields the criteria compare', async () => {
    const { checked, authorizer } = refusing('select');
    const h = harness({ authorizer });
    await h.fail(DUPLICATES, { ids: [P_ADA] });
    expect(checked).toEqual(['person:select']);
  });
});
