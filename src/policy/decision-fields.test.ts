import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionFields, decisionPaths } from './decision-fields.js';
import { compilePolicy } from './engine.js';
import { loadPolicy } from './load.js';

const POLICY = loadPolicy(
  readFileSync(new URL('./fixtures/policy-md.yaml', import.meta.url), 'utf8'),
);

describe('decisionFields', () => {
  it('lists the owner fields and every field a where or when rule reads, by top-level name', () => {
    const owners = POLICY.objects.opportunity?.owner ?? [];
    expect(owners.length).toBeGreaterThan(0);
    const fields = decisionFields(POLICY, 'opportunity');
    for (const owner of owners) expect(fields).toContain(owner.split('.')[0]);
    // update.junior's where reads stage; amount's when rule reads amount.
    expect(fields).toContain('stage');
    expect(fields).toContain('amount');
  });

  it('includes fields named by a restriction that applies to the object, and no other', () => {
    const policy = {
      ...POLICY,
      restrictions: [
        ...POLICY.restrictions,
        {
          id: 'no-vip',
          objects: ['person'],
          actions: ['read' as const],
          where: { jobTitle: { eq: 'CEO' } },
        },
      ],
    };
    expect(decisionFields(policy, 'person')).toContain('jobTitle');
    expect(decisionFields(policy, 'opportunity')).not.toContain('jobTitle');
  });

  it('is empty for an object the policy does not know', () => {
    expect(decisionFields(POLICY, 'rocket')).toEqual([]);
  });
});

describe('decisionPaths', () => {
  it('names the sub-fields read of each composite, and null for a field read whole', () => {
    const opportunity = decisionPaths(POLICY, 'opportunity');
    expect(opportunity.get('amount')).toEqual(new Set(['amountMicros']));
    expect(opportunity.get('stage')).toBeNull();
    expect(opportunity.get('ownerId')).toBeNull();
    const person = decisionPaths(POLICY, 'person');
    expect(person.get('createdBy')).toEqual(new Set(['workspaceMemberId']));
  });

  it('covers exactly the fields decisionFields lists', () => {
    for (const object of ['opportunity', 'person', 'company'])
      expect([...decisionPaths(POLICY, object).keys()].sort()).toEqual(
        decisionFields(POLICY, object),
      );
  });
});

describe('Engine.fieldFloor', () => {
  const engine = compilePolicy(POLICY);

  it('applies every when cap, so a field hidden on large deals is hidden in the floor', () => {
    const args = { member: 'm-alice', object: 'opportunity', action: 'read' } as const;
    expect(engine.fieldStates(args).amount).toBe('read');
    expect(engine.fieldFloor(args).amount).toBe('hidden');
    expect(engine.fieldFloor(args).stage).toBe(engine.fieldStates(args).stage);
  });

  it('keeps fields without when rules at their state', () => {
    const args = { member: 'm-bob', object: 'opportunity', action: 'read' } as const;
    // The cap applies below senior only; bob is senior.
    expect(engine.fieldFloor(args).amount).toBe('edit');
  });

  it('hides every field when the action is denied', () => {
    const floor = engine.fieldFloor({
      member: 'm-alice',
      object: 'opportunity',
      action: 'destroy',
    });
    expect(Object.values(floor).every((state) => state === 'hidden')).toBe(true);
    expect(Object.keys(floor).length).toBeGreaterThan(0);
  });
});
