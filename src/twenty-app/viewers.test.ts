/** tiergateViewers: who views a record, from the org and compile's viewer scopes. */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { ViewerIndex } from './viewers.js';

const small = loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }]
objects: { opportunity: { owner: [ownerId, createdBy.workspaceMemberId] } }
org:
  teams: [{ id: west }, { id: east }]
  members:
    - { id: h-boss, role: manager, tier: senior, teams: [west] }
    - { id: h-ann, role: rep, tier: junior, teams: [west], manager: h-boss }
    - { id: h-bob, role: rep, tier: junior, teams: [east], manager: h-boss }
    - { id: h-cat, role: rep, tier: junior, teams: [west], manager: h-ann }
roles:
  rep: { label: Rep, duties: Sells., objects: { opportunity: { read: { junior: team } } } }
  manager: { label: Manager, duties: Leads., objects: { opportunity: { read: { senior: reports } } } }
`);
const scopes = [
  { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team' as const] },
  { roleKey: 'manager@senior', object: 'opportunity', scopes: ['reports' as const] },
];

describe('ViewerIndex', () => {
  const index = new ViewerIndex(small, scopes);

  it("lists the team's members and the managers above the owner as viewers of a record", () => {
    // Ann's deal: her team (west: ann, boss, cat) and her manager chain (boss).
    expect(index.viewersOf('opportunity', ['h-ann'])).toEqual(['h-ann', 'h-boss', 'h-cat']);
    // Bob is alone in east; boss sees him as a report.
    expect(index.viewersOf('opportunity', ['h-bob'])).toEqual(['h-bob', 'h-boss']);
  });

  it('unites the viewers of every owner field of a record', () => {
    expect(index.viewersOf('opportunity', ['h-bob', 'h-cat'])).toEqual([
      'h-ann',
      'h-bob',
      'h-boss',
      'h-cat',
    ]);
  });

  it('gives no viewer to a record owned by someone outside the org, or by no one', () => {
    expect(index.viewersOf('opportunity', ['h-stranger'])).toEqual([]);
    expect(index.viewersOf('opportunity', [null, undefined])).toEqual([]);
    expect(index.viewersOf('company', ['h-ann'])).toEqual([]);
  });

  it('gives a member no viewing when its role reads no helper field', () => {
    const managersOnly = new ViewerIndex(small, scopes.slice(1));
    expect(managersOnly.viewersOf('opportunity', ['h-ann'])).toEqual(['h-boss']);
  });
});
