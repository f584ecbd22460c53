import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_REFERENCE,
  SEED_ROLES,
  SEED_TIERS,
  seedPolicyOrg,
  seedWorkspace,
  type OpportunityRecord,
  type PersonRecord,
  type RecordBase,
  type SeedData,
  type SeedMember,
} from './seed.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EMAIL = /^[a-z0-9]+([._][a-z0-9]+)*@[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]{2,})+$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const reference = DEFAULT_REFERENCE.getTime();

/** The items that break a rule: checking 10,000 records with one `expect` each is slow. */
const breaking = <T>(items: readonly T[], rule: (item: T) => boolean): T[] =>
  items.filter((item) => !rule(item));

const hashOf = (data: SeedData): string =>
  createHash('sha256').update(JSON.stringify(data)).digest('hex');

let data: SeedData;
let memberIds: Set<string>;
beforeAll(() => {
  data = seedWorkspace();
  memberIds = new Set(data.members.map((m) => m.record.id));
});
afterEach(() => {
  vi.useRealTimers();
});

const allRecords = (): RecordBase[] => [
  ...data.members.map((m) => m.record),
  ...data.companies,
  ...data.people,
  ...data.opportunities,
];

/** The depth of each member in the manager tree (root 1); throws on a cycle. */
function depths(members: readonly SeedMember[]): Map<string, number> {
  const managerOf = new Map(members.map((m) => [m.record.id, m.org.managerId]));
  const result = new Map<string, number>();
  for (const id of managerOf.keys()) {
    let depth = 1;
    for (let up = managerOf.get(id); up; up = managerOf.get(up)) {
      depth++;
      if (depth > members.length) throw new Error(`cycle above ${id}`);
    }
    result.set(id, depth);
  }
  return result;
}

describe('seedWorkspace', () => {
  it('gives identical data for the same seed', () => {
    const again = seedWorkspace();
    expect(again).toEqual(data);
    expect(hashOf(again)).toBe(hashOf(data));
  });

  it('gives different data for a different seed', () => {
    const other = seedWorkspace({ seed: 7 });
    expect(hashOf(other)).not.toBe(hashOf(data));
    expect(other.companies[0]?.id).not.toBe(data.companies[0]?.id);
  });

  it('does not read the clock', () => {
    vi.useFakeTimers({ now: new Date('2031-02-03T04:05:06Z') });
    expect(hashOf(seedWorkspace())).toBe(hashOf(data));
  });

  it('builds 60 members, 2,000 companies, 5,000 people and 3,000 opportunities by default', () => {
    expect(data.members).toHaveLength(60);
    expect(data.companies).toHaveLength(2000);
    expect(data.people).toHaveLength(5000);
    expect(data.opportunities).toHaveLength(3000);
  });

  it('builds the counts asked for', () => {
    const counts = { members: 20, companies: 30, people: 70, opportunities: 40 };
    const small = seedWorkspace({ counts });
    expect(small.members).toHaveLength(20);
    expect(small.companies).toHaveLength(30);
    expect(small.people).toHaveLength(70);
    expect(small.opportunities).toHaveLength(40);
    expect(new Set(depths(small.members).values())).toEqual(new Set([1, 2, 3, 4]));
  });

  it('rejects counts that cannot make a four-level organisation, and bad options', () => {
    expect(() => seedWorkspace({ counts: { members: 13 } })).toThrow(RangeError);
    expect(() => seedWorkspace({ counts: { people: -1 } })).toThrow(RangeError);
    expect(() => seedWorkspace({ counts: { companies: 0 } })).toThrow(/need companies/);
    expect(() => seedWorkspace({ reference: new Date('nonsense') })).toThrow(RangeError);
  });
});

describe('the seeded organisation', () => {
  it('has a manager tree of exactly four levels and no cycles', () => {
    const levels = [...depths(data.members).values()];
    expect(Math.max(...levels)).toBe(4);
    expect(new Set(levels)).toEqual(new Set([1, 2, 3, 4]));
  });

  it('gives every member but the root a manager who is a member', () => {
    const roots = data.members.filter((m) => m.org.managerId === null);
    expect(roots).toHaveLength(1);
    for (const member of data.members) {
      if (member.org.managerId !== null) expect(memberIds.has(member.org.managerId)).toBe(true);
    }
  });

  it('puts every member in one or two teams that exist', () => {
    const teamIds = new Set(data.teams.map((t) => t.id));
    for (const { org } of data.members) {
      expect(org.teams.length).toBeGreaterThanOrEqual(1);
      expect(org.teams.length).toBeLessThanOrEqual(2);
      for (const team of org.teams) expect(teamIds.has(team)).toBe(true);
    }
    for (const team of data.teams) {
      for (const child of team.children) expect(teamIds.has(child)).toBe(true);
      if (team.parentId !== null) expect(teamIds.has(team.parentId)).toBe(true);
    }
  });

  it('never ranks a member above its manager, and uses every role and tier', () => {
    const byId = new Map(data.members.map((m) => [m.record.id, m]));
    for (const { org } of data.members) {
      const manager = org.managerId === null ? undefined : byId.get(org.managerId);
      if (manager) {
        expect(SEED_TIERS.indexOf(org.tier)).toBeLessThanOrEqual(
          SEED_TIERS.indexOf(manager.org.tier),
        );
      }
    }
    expect(new Set(data.members.map((m) => m.org.roleId))).toEqual(new Set(SEED_ROLES));
    expect(new Set(data.members.map((m) => m.org.tier))).toEqual(new Set(SEED_TIERS));
  });
});

describe('the seeded records', () => {
  it('have unique UUID v4 ids', () => {
    const ids = allRecords().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const userIds = data.members.map((m) => m.record.userId);
    expect(breaking([...ids, ...userIds], (id) => UUID_V4.test(id))).toEqual([]);
  });

  it('carry Twenty’s system fields, dated before the reference', () => {
    const wellDated = (r: RecordBase): boolean =>
      ISO.test(r.createdAt) &&
      ISO.test(r.updatedAt) &&
      r.updatedAt >= r.createdAt &&
      Date.parse(r.updatedAt) <= reference &&
      r.deletedAt === null &&
      Number.isFinite(r.position);
    // A member writes MANUAL records; an integration (IMPORT, API) has no member behind it.
    const actorsSound = (r: RecordBase): boolean =>
      [r.createdBy, r.updatedBy].every(
        (a) =>
          ['MANUAL', 'IMPORT', 'API'].includes(a.source) &&
          Object.keys(a.context).length === 0 &&
          a.name !== '' &&
          (a.workspaceMemberId === null) === (a.source !== 'MANUAL'),
      );
    expect(breaking(allRecords(), wellDated)).toEqual([]);
    expect(breaking(allRecords(), actorsSound)).toEqual([]);
  });

  it('resolve every foreign key', () => {
    const companyIds = new Set(data.companies.map((c) => c.id));
    const personCompany = new Map(data.people.map((p) => [p.id, p.companyId]));
    const isMemberOrNull = (id: string | null): boolean => id === null || memberIds.has(id);
    const actorsResolve = (r: RecordBase): boolean =>
      isMemberOrNull(r.createdBy.workspaceMemberId) &&
      isMemberOrNull(r.updatedBy.workspaceMemberId);
    expect(breaking(allRecords(), actorsResolve)).toEqual([]);
    expect(breaking(data.companies, (c) => isMemberOrNull(c.accountOwnerId))).toEqual([]);
    expect(breaking(data.people, (p) => companyIds.has(p.companyId ?? ''))).toEqual([]);
    const dealResolves = (o: OpportunityRecord): boolean =>
      isMemberOrNull(o.ownerId) &&
      companyIds.has(o.companyId ?? '') &&
      // A point of contact works at the opportunity's company.
      (o.pointOfContactId === null || personCompany.get(o.pointOfContactId) === o.companyId);
    expect(breaking(data.opportunities, dealResolves)).toEqual([]);
    expect(data.opportunities.some((o) => o.pointOfContactId !== null)).toBe(true);
  });

  it('leave a few per cent of records without an owner', () => {
    const share = (n: number, of: number): number => n / of;
    const ownerless = data.people.filter((p) => p.createdBy.workspaceMemberId === null);
    expect(share(ownerless.length, data.people.length)).toBeGreaterThan(0.01);
    expect(share(ownerless.length, data.people.length)).toBeLessThan(0.08);
    for (const p of ownerless) expect(['IMPORT', 'API']).toContain(p.createdBy.source);
    const noOwner = data.opportunities.filter((o) => o.ownerId === null).length;
    expect(share(noOwner, data.opportunities.length)).toBeGreaterThan(0.005);
    expect(share(noOwner, data.opportunities.length)).toBeLessThan(0.08);
  });

  it('keep ownership mostly within the owner’s team and skewed to the top sellers', () => {
    const byId = new Map(data.members.map((m) => [m.record.id, m]));
    const accountOwner = new Map(data.companies.map((c) => [c.id, c.accountOwnerId]));
    const sameTeam = (a: string, b: string): boolean =>
      byId.get(a)?.org.teams.some((t) => byId.get(b)?.org.teams.includes(t)) ?? false;
    const owned = data.opportunities.filter(
      (o) => o.ownerId && accountOwner.get(o.companyId ?? ''),
    );
    const inTeam = owned.filter((o) =>
      sameTeam(o.ownerId ?? '', accountOwner.get(o.companyId ?? '') ?? ''),
    );
    expect(inTeam.length / owned.length).toBeGreaterThan(0.75);
    const perRep = data.members
      .filter((m) => m.org.roleId === 'sales-rep')
      .map((m) => data.opportunities.filter((o) => o.ownerId === m.record.id).length)
      .sort((a, b) => a - b);
    const median = perRep[Math.floor(perRep.length / 2)] ?? 0;
    expect(perRep.at(-1) ?? 0).toBeGreaterThan(2.5 * median);
  });

  it('have unique, well-formed e-mails', () => {
    const emails = [
      ...data.members.map((m) => m.record.userEmail),
      ...data.people.map((p) => p.emails.primaryEmail),
    ];
    expect(new Set(emails).size).toBe(emails.length);
    expect(breaking(emails, (email) => EMAIL.test(email))).toEqual([]);
  });

  it('have realistic phone numbers, and most people have one', () => {
    const withPhone = data.people.filter((p) => p.phones.primaryPhoneNumber !== '');
    expect(withPhone.length / data.people.length).toBeGreaterThan(0.8);
    // National significant numbers: 8 to 11 digits, no trunk 0, with ISO country and +code.
    const realistic = ({ phones }: PersonRecord): boolean =>
      /^[1-9]\d{7,10}$/.test(phones.primaryPhoneNumber) &&
      /^[A-Z]{2}$/.test(phones.primaryPhoneCountryCode) &&
      /^\+\d{1,3}$/.test(phones.primaryPhoneCallingCode);
    expect(breaking(withPhone, realistic)).toEqual([]);
  });
});

describe('seedPolicyOrg', () => {
  it('uses the workspace member ids and leaves out only the root’s manager', () => {
    const org = seedPolicyOrg(data);
    expect(org.members.map((m) => m.id)).toEqual(data.members.map((m) => m.record.id));
    expect(org.members.filter((m) => m.manager === undefined)).toHaveLength(1);
    expect(org.teams.map((t) => t.id)).toEqual(data.teams.map((t) => t.id));
  });
});
