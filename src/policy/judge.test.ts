/** A judge bound to one member: its field lists, strangers and unknown names, grants over time; and warm(). */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './engine.js';
import { ACME, NOW, sampleRecords } from './acme.test-support.js';
import { ACTIONS } from './schema.js';

describe('A judge bound to a member', () => {
  it('lists as permitted fields exactly the editable fields of a write and the visible fields of any other action', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    let nonEmpty = 0;
    for (const member of engine.members()) {
      const judge = engine.for(member);
      for (const object of engine.objects()) {
        for (const action of ACTIONS) {
          for (const record of [undefined, ...sampleRecords(object)]) {
            const states = judge.fields(action, object, record);
            const wanted = Object.keys(states).filter((f) =>
              action === 'create' || action === 'update'
                ? states[f] === 'edit'
                : states[f] !== 'hidden',
            );
            const listed = judge.permittedFields(action, object, record);
            expect([...listed].sort()).toEqual(wanted.sort());
            expect(Object.isFrozen(listed)).toBe(true);
            if (listed.length > 0) nonEmpty++;
          }
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('returns the same frozen list for the same question, so a caller allocates nothing', () => {
    const judge = compilePolicy(ACME, { now: () => NOW }).for('m-nils');
    const first = judge.permittedFields('read', 'person');
    expect(first.length).toBeGreaterThan(0);
    expect(judge.permittedFields('read', 'person')).toBe(first);
  });

  it('is the same judge for the same member, and a stranger gets a judge that denies everything', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    expect(engine.for('m-nils')).toBe(engine.for('m-nils'));
    const stranger = engine.for('m-nobody');
    expect(stranger.known).toBe(false);
    expect(stranger.version()).toBe(-1);
    expect(stranger.decide('read', 'person').reasons[0]).toMatch(/^unknown-member/);
    expect(stranger.can('read', 'person', { id: 'p', ownerId: 'm-nobody' })).toBe(false);
    expect(stranger.permittedFields('read', 'person')).toEqual([]);
    expect(stranger.project('person', { id: 'p' })).toBeNull();
    // A stranger's judge is not kept: ids sent by callers must not grow the engine.
    expect(engine.for('m-nobody')).not.toBe(stranger);
  });

  it('says which object is unknown and which action is not an action', () => {
    const judge = compilePolicy(ACME, { now: () => NOW }).for('m-nils');
    expect(judge.decide('read', 'spaceship').reasons[0]).toMatch(/^unknown-object: "spaceship"/);
    expect(judge.fields('read', 'spaceship')).toEqual({});
    expect(judge.decide('fly' as (typeof ACTIONS)[number], 'person').reasons[0]).toMatch(
      /^unknown-action: "fly"/,
    );
  });

  it('follows a temporary grant that starts and ends while the judge is held', () => {
    let now = new Date('2026-06-30T11:00:00Z');
    const engine = compilePolicy(ACME, {
      now: () => now,
      grants: [
        {
          id: 'g',
          member: 'm-nils',
          startsAt: '2026-06-30T12:00:00Z',
          expiresAt: '2026-06-30T13:00:00Z',
          object: 'opportunity',
          action: 'export',
        },
      ],
    });
    const judge = engine.for('m-nils');
    expect(judge.can('export', 'opportunity')).toBe(false);
    const before = judge.version();
    now = new Date('2026-06-30T12:30:00Z');
    expect(judge.can('export', 'opportunity')).toBe(true);
    expect(judge.version()).not.toBe(before);
    now = new Date('2026-06-30T13:00:00Z');
    expect(judge.can('export', 'opportunity')).toBe(false);
  });
});

describe('Engine.warm', () => {
  it('builds a plan for every member, object and action, and answers as a lazily built engine does', () => {
    const warm = compilePolicy(ACME, { now: () => NOW });
    const lazy = compilePolicy(ACME, { now: () => NOW });
    expect(warm.warm()).toBe(warm.members().length * warm.objects().length * ACTIONS.length);
    for (const member of warm.members())
      for (const object of warm.objects())
        for (const action of ACTIONS)
          for (const record of [undefined, ...sampleRecords(object)]) {
            const request = { member, object, action, record };
            expect(warm.decide(request)).toEqual(lazy.decide(request));
            expect(warm.fieldStates(request)).toEqual(lazy.fieldStates(request));
          }
  });
});
