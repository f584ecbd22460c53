/** The watchdog's judgement of record changes, what it keeps out of the journal, and viewers. */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../policy/engine.js';
import { loadPolicy } from '../policy/load.js';
import { ViewerIndex } from '../twenty-app/viewers.js';
import {
  actorOf,
  judge,
  redactRecord,
  sensitiveFields,
  viewersUpdate,
  type RecordEvent,
} from './watchdog.js';

const policy = loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }, { id: director }]
objects: { opportunity: { owner: [ownerId] } }
org:
  teams: [{ id: west }]
  members:
    - { id: w-ann, role: rep, tier: junior, teams: [west], manager: w-sue }
    - { id: w-sue, role: rep, tier: senior, teams: [west] }
    - { id: w-dan, role: rep, tier: director, teams: [west] }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: team }
        create: { junior: true }
        update: { junior: own, director: all }
        delete: { senior: own }
        fields:
          default: { junior: edit }
          amount:
            junior: read
            senior: edit
            when:
              - { if: { amount: { amountMicros: { gt: 100000000000 } } }, below: director, state: read }
          phone: { junior: { mask: last4 }, senior: edit }
          notes: { junior: hidden, senior: edit }
`);
const engine = compilePolicy(policy);
const inOrg = new Set(policy.org.members.map((m) => m.id));
const policyIdOf = (hostId: string) => (inOrg.has(hostId) ? hostId : undefined);

const by = (memberId: string | null, source = 'MANUAL') => ({
  source,
  workspaceMemberId: memberId,
  name: 'x',
  context: {},
});

function updated(actor: string, record: Record<string, unknown>, fields: string[]): RecordEvent {
  return {
    object: 'opportunity',
    action: 'updated',
    recordId: 'o1',
    after: { id: 'o1', updatedBy: by(actor), ...record },
    updatedFields: fields,
  };
}

const smallDeal = { amount: { amountMicros: 5_000_000_000, currencyCode: 'EUR' } };
const bigDeal = { amount: { amountMicros: 500_000_000_000, currencyCode: 'EUR' } };

describe('judge', () => {
  it('finds no violation in a change the member is allowed to make', () => {
    expect(judge(engine, updated('w-ann', { ownerId: 'w-ann' }, ['name']), policyIdOf)).toEqual({
      actor: 'w-ann',
      violations: [],
    });
  });

  it('reports an update to a record outside the member scope, with the policy reasons', () => {
    const { violations } = judge(
      engine,
      updated('w-ann', { ownerId: 'w-sue' }, ['name']),
      policyIdOf,
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'scope', member: 'w-ann', actor: 'w-ann' });
    expect(violations[0]?.message).toMatch(/^w-ann may not update this opportunity: /);
  });

  it('judges the scope on the record as it was, when the caller knows it', () => {
    // Ann hands Sue's deal to herself: after the change it looks like her own.
    const event = {
      ...updated('w-ann', { ownerId: 'w-ann' }, ['ownerId']),
      before: { id: 'o1', ownerId: 'w-sue' },
    };
    expect(judge(engine, event, policyIdOf).violations.map((v) => v.kind)).toEqual(['scope']);
  });

  it('names the fields the member may not edit, masked and read-only alike', () => {
    const { violations } = judge(
      engine,
      updated('w-ann', { ownerId: 'w-ann' }, ['name', 'amount', 'phone', 'updatedAt']),
      policyIdOf,
    );
    expect(violations.map((v) => [v.kind, v.fields])).toEqual([['fields', ['amount', 'phone']]]);
  });

  it("reports a member's write of Tiergate's helper fields, which no member may edit, whatever the default", () => {
    // Ann's default is edit, yet tiergateViewers is Tiergate's: re-sharing a record is a violation.
    const { violations } = judge(
      engine,
      updated('w-dan', { ownerId: 'w-ann', tiergateViewers: ['w-dan'] }, ['tiergateViewers']),
      policyIdOf,
    );
    expect(violations.map((v) => [v.kind, v.fields])).toEqual([['fields', ['tiergateViewers']]]);
    const created: RecordEvent = {
      object: 'opportunity',
      action: 'created',
      recordId: 'o2',
      after: { id: 'o2', createdBy: by('w-ann'), ownerId: 'w-ann', tiergateViewers: ['w-dan'] },
    };
    expect(judge(engine, created, policyIdOf).violations.map((v) => v.fields)).toEqual([
      ['tiergateViewers'],
    ]);
    // Its default, an empty list, is not a write.
    const plain = { ...created, after: { ...created.after, tiergateViewers: [] } };
    expect(judge(engine, plain, policyIdOf).violations).toEqual([]);
  });

  it("applies when rules Twenty cannot: a senior may edit a small deal's amount, not a big one's", () => {
    const sue = (deal: object) =>
      judge(engine, updated('w-sue', { ownerId: 'w-sue', ...deal }, ['amount']), policyIdOf);
    // Sue's update scope is inherited from junior: own.
    expect(sue(smallDeal).violations).toEqual([]);
    expect(sue(bigDeal).violations.map((v) => v.fields)).toEqual([['amount']]);
  });

  it('checks every field a creation sets, ignoring the ones every record has', () => {
    const event: RecordEvent = {
      object: 'opportunity',
      action: 'created',
      recordId: 'o2',
      after: {
        id: 'o2',
        createdBy: by('w-ann'),
        createdAt: '2026-01-01T00:00:00Z',
        name: 'New',
        ownerId: 'w-ann',
        notes: 'secret',
        phone: null,
      },
    };
    expect(judge(engine, event, policyIdOf).violations.map((v) => v.fields)).toEqual([
      ['notes', 'ownerId'].filter((f) => f === 'notes'),
    ]);
  });

  it('judges deletions by the delete scope', () => {
    const deleted = (actor: string, owner: string): RecordEvent => ({
      object: 'opportunity',
      action: 'deleted',
      recordId: 'o1',
      after: { id: 'o1', ownerId: owner, updatedBy: by(actor), deletedAt: '2026-01-01T00:00:00Z' },
      workspaceMemberId: actor,
    });
    expect(judge(engine, deleted('w-sue', 'w-sue'), policyIdOf).violations).toEqual([]);
    expect(
      judge(engine, deleted('w-ann', 'w-ann'), policyIdOf).violations.map((v) => v.kind),
    ).toEqual(['scope']);
  });

  it('judges a delete, restore or destroy with the rights of the member who made it, not of the last updater', () => {
    // Sue (senior) may delete her own deals, Ann (junior) may not. Twenty stamps no actor on a
    // delete, restore or destroy: the record's updatedBy names whoever updated it last.
    const change = (
      action: 'deleted' | 'restored' | 'destroyed',
      lastUpdater: string,
      member: string | undefined,
    ): RecordEvent => {
      const record = { id: 'o1', ownerId: 'w-sue', updatedBy: by(lastUpdater) };
      return {
        object: 'opportunity',
        action,
        recordId: 'o1',
        ...(action === 'destroyed' ? { before: record } : { after: record }),
        workspaceMemberId: member,
      };
    };
    for (const action of ['deleted', 'restored'] as const) {
      const byAnn = judge(engine, change(action, 'w-sue', 'w-ann'), policyIdOf);
      expect(byAnn.actor).toBe('w-ann');
      expect(byAnn.violations.map((v) => [v.kind, v.member])).toEqual([['scope', 'w-ann']]);
      expect(judge(engine, change(action, 'w-ann', 'w-sue'), policyIdOf)).toEqual({
        actor: 'w-sue',
        violations: [],
      });
      // No member called (an API key, a workflow): nobody's rights, and not the last updater's.
      expect(actorOf(change(action, 'w-ann', undefined))).toBeUndefined();
    }
    // Nobody holds destroy: whoever is named is the one judged.
    const destroyed = judge(engine, change('destroyed', 'w-sue', 'w-ann'), policyIdOf);
    expect(destroyed.violations.map((v) => v.actor)).toEqual(['w-ann']);
    expect(actorOf(change('destroyed', 'w-ann', undefined))).toBeUndefined();
  });

  it('takes the actor of a creation or update from the stamp Twenty wrote, the body standing in without one', () => {
    // Twenty stamps updatedBy from the same auth context as the body's workspaceMemberId; the
    // journaled record says the stamp, so a disagreement goes the stamp's way.
    expect(actorOf({ ...updated('w-ann', {}, ['name']), workspaceMemberId: 'w-sue' })).toBe(
      'w-ann',
    );
    const byKey: RecordEvent = {
      object: 'opportunity',
      action: 'updated',
      recordId: 'o1',
      after: { id: 'o1', updatedBy: by(null, 'API') },
      workspaceMemberId: 'w-sue',
    };
    expect(actorOf(byKey)).toBeUndefined();
    // A creation's createdBy may be given by the caller: the updatedBy stamped with it wins.
    const created: RecordEvent = {
      object: 'opportunity',
      action: 'created',
      recordId: 'o2',
      after: { id: 'o2', createdBy: by('w-sue'), updatedBy: by('w-ann') },
    };
    expect(actorOf(created)).toBe('w-ann');
    const unstamped: RecordEvent = {
      object: 'opportunity',
      action: 'updated',
      recordId: 'o1',
      after: { id: 'o1' },
      workspaceMemberId: 'w-sue',
    };
    expect(actorOf(unstamped)).toBe('w-sue');
  });

  it('treats a workspace member outside the org as holding nothing', () => {
    const { violations } = judge(
      engine,
      updated('w-stranger', { ownerId: 'w-stranger' }, ['name']),
      policyIdOf,
    );
    expect(violations.map((v) => v.kind)).toEqual(['not-in-org']);
  });

  it('leaves changes made by API keys, workflows and the system to the journal alone', () => {
    const event: RecordEvent = {
      object: 'opportunity',
      action: 'updated',
      recordId: 'o1',
      after: { id: 'o1', ownerId: 'w-sue', updatedBy: by(null, 'API') },
      updatedFields: ['amount'],
    };
    expect(actorOf(event)).toBeUndefined();
    expect(judge(engine, event, policyIdOf)).toEqual({ actor: undefined, violations: [] });
  });
});

describe('what the journal keeps', () => {
  it('counts hidden, masked and when-capped fields as sensitive, and nothing else', () => {
    const sensitive = sensitiveFields(policy, 'opportunity');
    const names = ['amount', 'notes', 'phone', 'name', 'stage', 'ownerId', 'id', 'updatedAt'];
    expect(names.filter((f) => sensitive.has(f))).toEqual(['amount', 'notes', 'phone']);
    expect(names.filter((f) => sensitiveFields(policy, 'company').has(f))).toEqual([]);
  });

  it("counts every field a role's default hides as sensitive, and a listed field below its lowest tier", () => {
    const restrictive = loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }]
objects: { person: {}, company: {} }
org: { members: [] }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      person:
        read: { junior: all }
        fields:
          default: { junior: hidden, senior: read }
          name: { junior: read }
      company:
        read: { junior: all }
        fields:
          default: { junior: read }
          revenue: { senior: read }
`);
    const person = sensitiveFields(restrictive, 'person');
    // Contact details the default hides, whatever they are called; the name is listed as read.
    expect(
      ['emails', 'phones', 'city', 'name', 'id', 'createdAt'].filter((f) => person.has(f)),
    ).toEqual(['emails', 'phones', 'city']);
    // revenue has no junior key: hidden for juniors.
    const company = sensitiveFields(restrictive, 'company');
    expect(['revenue', 'name'].filter((f) => company.has(f))).toEqual(['revenue']);
  });

  it('replaces sensitive values with a keyed hash that changes when the value does', () => {
    const sensitive = sensitiveFields(policy, 'opportunity');
    const key = new Uint8Array(32).fill(7);
    const a = redactRecord({ name: 'Deal', notes: 'call the CFO', amount: null }, sensitive, key);
    const b = redactRecord({ notes: 'call the CFO' }, sensitive, key);
    const c = redactRecord({ notes: 'call the CEO' }, sensitive, key);
    const other = redactRecord({ notes: 'call the CFO' }, sensitive, new Uint8Array(32).fill(8));
    expect(a.name).toBe('Deal');
    expect(a.amount).toBeNull();
    expect(JSON.stringify(a)).not.toContain('CFO');
    expect(a.notes).toEqual(b.notes);
    expect(a.notes).not.toEqual(c.notes);
    expect(a.notes).not.toEqual(other.notes);
    expect(a.notes).toMatchObject({
      hmacSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
  });
});

describe('viewersUpdate', () => {
  const index = new ViewerIndex(policy, [
    { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team'] },
  ]);

  it('gives a new record, or one whose owner changed, the viewers of its new owner', () => {
    const created: RecordEvent = {
      object: 'opportunity',
      action: 'created',
      recordId: 'o3',
      after: { id: 'o3', ownerId: 'w-sue', tiergateViewers: [] },
    };
    // Only Ann holds rep@junior with a team scope; Sue is in her team.
    expect(viewersUpdate(index, policy, created)).toEqual(['w-ann']);
    const moved = updated('w-dan', { ownerId: 'w-stranger', tiergateViewers: ['w-ann'] }, [
      'ownerId',
    ]);
    expect(viewersUpdate(index, policy, moved)).toEqual([]);
  });

  it('puts the field back when someone else wrote it', () => {
    expect(
      viewersUpdate(
        index,
        policy,
        updated('w-dan', { ownerId: 'w-sue', tiergateViewers: ['w-dan'] }, ['tiergateViewers']),
      ),
    ).toEqual(['w-ann']);
  });

  it('checks the field of an update the sweep found, which names no changed fields', () => {
    const swept = (viewers: string[]): RecordEvent => ({
      object: 'opportunity',
      action: 'updated',
      recordId: 'o4',
      after: { id: 'o4', ownerId: 'w-sue', tiergateViewers: viewers },
    });
    // A member re-shared it while serve was down: put back.
    expect(viewersUpdate(index, policy, swept(['w-dan']))).toEqual(['w-ann']);
    expect(viewersUpdate(index, policy, swept(['w-ann']))).toBeUndefined();
  });

  it('leaves the field alone when no owner changed, when it is already right, and after its own write', () => {
    expect(
      viewersUpdate(index, policy, updated('w-ann', { ownerId: 'w-dan' }, ['name'])),
    ).toBeUndefined();
    expect(
      viewersUpdate(
        index,
        policy,
        updated('w-ann', { ownerId: 'w-sue', tiergateViewers: ['w-ann'] }, ['ownerId']),
      ),
    ).toBeUndefined();
    expect(
      viewersUpdate(
        index,
        policy,
        updated('w-ann', { ownerId: 'w-sue', tiergateViewers: ['w-ann'] }, ['tiergateViewers']),
      ),
    ).toBeUndefined();
  });
});
