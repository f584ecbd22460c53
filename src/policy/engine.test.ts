/** The engine's programmatic surface beyond POLICY.md §5's three calls. */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './engine.js';
import { ACME, NOW, sampleRecords } from './acme.test-support.js';
import { loadPolicy } from './load.js';
import { ACTIONS } from './schema.js';

describe('Engine.authorize', () => {
  it('answers exactly as decide and fieldStates do, for every member, object, action and record', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    let compared = 0;
    for (const member of engine.members()) {
      for (const object of engine.objects()) {
        for (const action of ACTIONS) {
          for (const record of [undefined, ...sampleRecords(object)]) {
            const request = { member, object, action, record };
            const { decision, fields } = engine.authorize(request);
            expect(decision).toBe(engine.decide(request));
            expect(fields).toEqual(engine.fieldStates(request));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(engine.members().length * engine.objects().length * ACTIONS.length * 5);
  });

  it('denies an unknown member with no fields', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    const { decision, fields } = engine.authorize({
      member: 'm-nobody',
      object: 'person',
      action: 'read',
    });
    expect(decision.reasons[0]).toMatch(/^unknown-member/);
    expect(fields).toEqual({});
  });
});

describe('Engine.fieldState', () => {
  it('gives a field the policy does not name the default of the role', () => {
    const engine = compilePolicy(
      loadPolicy(`
version: 1
tiers: [{ id: t }]
objects: { note: { owner: [ownerId] } }
org: { members: [{ id: m, role: r, tier: t }] }
roles: { r: { label: R, duties: D, objects: { note: { read: { t: own }, fields: { default: { t: edit } } } } } }
`),
    );
    expect(
      engine.fieldState({ member: 'm', object: 'note', action: 'read', field: 'anything' }),
    ).toBe('edit');
    expect(engine.fieldStates({ member: 'm', object: 'note', action: 'read' })).toEqual({
      id: 'read',
      ownerId: 'edit',
    });
  });

  it('returns state tables that callers cannot change', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    const states = engine.fieldStates({ member: 'm-nils', object: 'person', action: 'read' });
    expect(Object.isFrozen(states)).toBe(true);
  });
});

describe('Engine.withGrants', () => {
  it('adds grants to the same policy and leaves the original engine unchanged', () => {
    const engine = compilePolicy(ACME, { now: () => NOW });
    const request = { member: 'm-nils', object: 'opportunity', action: 'export' } as const;
    const granted = engine.withGrants([
      {
        id: 'g',
        member: 'm-nils',
        expiresAt: '2026-07-01T00:00:00Z',
        object: 'opportunity',
        action: 'export',
      },
    ]);
    expect(engine.decide(request).effect).toBe('deny');
    expect(granted.decide(request).effect).toBe('allow');
    expect(granted.policy).toBe(engine.policy);
  });
});
