import { describe, expect, it } from 'vitest';
import { buildOrg, orgCycles } from './org.js';

const members = [
  { id: 'ceo' },
  { id: 'vp', manager: 'ceo', teams: ['sales'] },
  { id: 'lead', manager: 'vp', teams: ['emea'] },
  { id: 'rep1', manager: 'lead', teams: ['emea'] },
  { id: 'rep2', manager: 'lead', teams: ['emea-north'] },
  { id: 'solo', teams: ['apac'] },
];
const teams = [
  { id: 'sales', children: ['emea', 'apac'] },
  { id: 'emea', children: ['emea-north'] },
  { id: 'emea-north' },
  { id: 'apac' },
];

describe('buildOrg', () => {
  const org = buildOrg(members, teams);

  it('puts the member and everyone below it, at any depth, in reports', () => {
    expect([...(org.closureOf('vp')?.reports ?? [])].sort()).toEqual([
      'lead',
      'rep1',
      'rep2',
      'vp',
    ]);
    expect([...(org.closureOf('rep1')?.reports ?? [])]).toEqual(['rep1']);
  });

  it("puts the members of the member's own teams in team", () => {
    expect([...(org.closureOf('lead')?.team ?? [])].sort()).toEqual(['lead', 'rep1']);
  });

  it('adds the members of every team below in teamTree', () => {
    expect([...(org.closureOf('lead')?.teamTree ?? [])].sort()).toEqual(['lead', 'rep1', 'rep2']);
    expect([...(org.closureOf('vp')?.teamTree ?? [])].sort()).toEqual([
      'lead',
      'rep1',
      'rep2',
      'solo',
      'vp',
    ]);
  });

  it('keeps a member with no team alone in team and teamTree', () => {
    expect([...(org.closureOf('ceo')?.team ?? [])]).toEqual(['ceo']);
    expect([...(org.closureOf('ceo')?.teamTree ?? [])]).toEqual(['ceo']);
  });

  it('lists the managers above a member, nearest first', () => {
    expect(org.managersOf('rep2')).toEqual(['lead', 'vp', 'ceo']);
  });

  it('terminates on a cycle that slipped past validation', () => {
    const looped = buildOrg(
      [
        { id: 'a', manager: 'b' },
        { id: 'b', manager: 'a' },
      ],
      [],
    );
    expect([...(looped.closureOf('a')?.reports ?? [])].sort()).toEqual(['a', 'b']);
    expect(looped.managersOf('a')).toEqual(['b']);
  });
});

describe('orgCycles', () => {
  it('finds no cycle in trees', () => {
    expect(orgCycles(members, teams)).toEqual([]);
  });

  it('finds a manager cycle and a team cycle, each once', () => {
    const cycles = orgCycles(
      [
        { id: 'a', manager: 'c' },
        { id: 'b', manager: 'a' },
        { id: 'c', manager: 'b' },
        { id: 'd', manager: 'd' },
      ],
      [
        { id: 'x', children: ['y'] },
        { id: 'y', children: ['x'] },
      ],
    );
    expect(cycles).toEqual([
      { kind: 'manager', ids: ['a', 'c', 'b', 'a'] },
      { kind: 'manager', ids: ['d', 'd'] },
      { kind: 'team', ids: ['x', 'y', 'x'] },
    ]);
  });
});
