/**
 * The organisation read from the host (org.source: host): resolution rules on plain member
 * lists, then the read itself against the sandbox before install.
 */
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { orgWorld, policyWith } from './org-world.test-support.js';
import { compilePolicy } from '../policy/engine.js';
import { HostOrgError, readHostMembers, resolveOrg, type HostMember } from './host-org.js';

function hostMember(id: string, extra: Partial<HostMember> = {}): HostMember {
  return {
    id,
    email: `${id}@acme.test`,
    name: id,
    role: null,
    tier: null,
    teams: [],
    manager: null,
    ...extra,
  };
}

describe('resolveOrg with org.source: host', () => {
  it("takes role, tier, teams and manager from the member's tiergate fields, keyed by workspace member id", () => {
    const org = resolveOrg(policyWith('host'), [
      hostMember('w-boss', { role: 'manager', tier: 'director', teams: ['sales'] }),
      hostMember('w-ann', { role: 'rep', tier: 'senior', teams: ['emea'], manager: 'w-boss' }),
    ]);
    expect(org.problems).toEqual([]);
    expect(org.policy.org.members).toEqual([
      {
        id: 'w-boss',
        email: 'w-boss@acme.test',
        name: 'w-boss',
        role: 'manager',
        tier: 'director',
        teams: ['sales'],
      },
      {
        id: 'w-ann',
        email: 'w-ann@acme.test',
        name: 'w-ann',
        role: 'rep',
        tier: 'senior',
        teams: ['emea'],
        manager: 'w-boss',
      },
    ]);
    expect(org.members.map((m) => m.from)).toEqual([
      { role: 'host', tier: 'host', teams: 'host', manager: 'none' },
      { role: 'host', tier: 'host', teams: 'host', manager: 'host' },
    ]);
    expect([...org.aliases]).toEqual([]);
  });

  it("falls back to the policy's entry matched by email, whatever its case, and renames references to it", () => {
    const policy = policyWith(
      'host',
      `[{ id: m-carol, email: Carol@Acme.test, role: rep, teams: [emea], manager: m-dan },
        { id: m-dan, email: dan@acme.test, role: manager }]`,
      '[{ id: no-carol, objects: [company], actions: [delete], members: [m-carol] }]',
    );
    const org = resolveOrg(policy, [
      hostMember('w-carol', { email: 'carol@acme.test', tier: 'senior' }),
      hostMember('w-dan', { email: 'dan@acme.test' }),
    ]);
    expect(org.problems).toEqual([]);
    const carol = org.members.find((m) => m.id === 'w-carol');
    expect(carol).toMatchObject({
      alias: 'm-carol',
      role: 'rep',
      tier: 'senior',
      teams: ['emea'],
      manager: 'w-dan',
      from: { role: 'policy', tier: 'host', teams: 'policy', manager: 'policy' },
    });
    expect(org.members.find((m) => m.id === 'w-dan')).toMatchObject({
      alias: 'm-dan',
      tier: 'senior',
      from: { tier: 'default' },
    });
    // Records name owners by workspace member id: the restriction follows Carol there.
    expect(org.policy.restrictions[0]?.members).toEqual(['w-carol']);
    expect(org.aliases.get('m-carol')).toBe('w-carol');
  });

  it('leaves out, and says why, a member whose role, tier or team the policy does not have', () => {
    const org = resolveOrg(policyWith('host'), [
      hostMember('w-1', { role: 'repp' }),
      hostMember('w-2', { role: 'rep', tier: 'seniorr' }),
      hostMember('w-3', { role: 'rep', teams: ['emeaa'] }),
      hostMember('w-4'),
      hostMember('w-5', { role: 'rep' }),
    ]);
    expect(org.policy.org.members.map((m) => m.id)).toEqual(['w-5']);
    expect(org.problems.map((p) => `${p.member}: ${p.message}`)).toEqual([
      'w-1@acme.test: left out: role "repp" (from tiergateRole) is not a role of the policy; did you mean "rep"?',
      'w-2@acme.test: left out: tier "seniorr" (from tiergateTier) is not a tier of the policy; did you mean "senior"?',
      'w-3@acme.test: left out: team "emeaa" is not a team of org.teams; did you mean "emea"?',
      'w-4@acme.test: left out: no tiergateRole on the host and no entry in org.members: it holds no role',
    ]);
  });

  it('drops a manager link to someone outside the org, and keeps the member', () => {
    const org = resolveOrg(policyWith('host'), [
      hostMember('w-1', { role: 'rep', manager: 'w-gone' }),
      hostMember('w-2', { role: 'rep', manager: 'w-out' }),
      hostMember('w-out'),
    ]);
    expect(org.policy.org.members.map((m) => [m.id, m.manager])).toEqual([
      ['w-1', undefined],
      ['w-2', undefined],
    ]);
    expect(org.problems.map((p) => p.message)).toContain(
      'manager "w-gone" (from tiergateManager) is not a member of the org: the link is dropped',
    );
    expect(org.problems.map((p) => p.member)).toContain('w-2@acme.test');
  });

  it('matches no one by an email two workspace members share, and says so', () => {
    const policy = policyWith('host', '[{ id: m-x, email: same@acme.test, role: rep }]');
    const org = resolveOrg(policy, [
      hostMember('w-1', { email: 'same@acme.test' }),
      hostMember('w-2', { email: 'SAME@acme.test' }),
    ]);
    expect(org.policy.org.members).toEqual([]);
    expect(org.problems.map((p) => p.message)).toContain(
      'two workspace members share this email, so neither is matched by it',
    );
    expect(org.problems.map((p) => p.message)).toContain(
      'org.members m-x matches no workspace member by email: left out',
    );
  });

  it('refuses an org whose managers form a cycle', () => {
    expect(() =>
      resolveOrg(policyWith('host'), [
        hostMember('w-1', { role: 'rep', manager: 'w-2' }),
        hostMember('w-2', { role: 'rep', manager: 'w-1' }),
      ]),
    ).toThrow(HostOrgError);
  });
});

describe('resolveOrg with org.source: config', () => {
  it("keeps the policy's members, under the id of the workspace member each matches by id or email", () => {
    const policy = policyWith(
      'config',
      `[{ id: w-1, role: rep }, { id: m-carol, email: carol@acme.test, role: rep },
        { id: m-ghost, email: ghost@acme.test, role: rep }]`,
    );
    const org = resolveOrg(policy, [
      hostMember('w-1'),
      hostMember('w-carol', { email: 'carol@acme.test', role: 'manager' }),
    ]);
    expect(org.policy.org.members.map((m) => m.id)).toEqual(['w-1', 'w-carol']);
    expect([...org.aliases]).toEqual([['m-carol', 'w-carol']]);
    // The host's tiergate fields do not count when the policy is the source.
    expect(org.members.find((m) => m.id === 'w-carol')?.role).toBe('rep');
    expect(org.problems).toEqual([
      {
        member: 'ghost@acme.test',
        message:
          'org.members m-ghost matches no workspace member (by id or email), so it holds no role in the host',
      },
    ]);
  });
});

describe('member attributes through the org read from the host', () => {
  const regional = (source: 'host' | 'config') =>
    policyWith(
      source,
      `[{ id: m-ann, email: ann@acme.test, role: rep, attributes: { region: EU } }]`,
      `[{ id: own-region, objects: [company], actions: [read], where: { region: { neq: $member.attributes.region } } }]`,
    );

  it.each(['config', 'host'] as const)(
    'keeps the attributes of the policy entry (org.source: %s), so a condition about the member still holds',
    (source) => {
      const org = resolveOrg(regional(source), [
        hostMember('w-ann', { email: 'ann@acme.test', role: 'rep', tier: 'junior' }),
      ]);
      expect(org.policy.org.members[0]?.attributes).toEqual({ region: 'EU' });
      const engine = compilePolicy(org.policy);
      expect(engine.filter({ member: 'w-ann', object: 'company', action: 'read' })).toEqual({
        and: [{ accountOwnerId: { in: ['w-ann'] } }, { not: { region: { neq: 'EU' } } }],
      });
    },
  );
});

const server = mswServer();
const world = (): ReturnType<typeof orgWorld> => orgWorld(server);

describe('reading the org from the sandbox', () => {
  it('asks for tiergate install before the org fields exist', async () => {
    const { host } = await world();
    await expect(readHostMembers(host, { withOrgFields: true })).rejects.toThrow(
      "org.source is host, but the host's workspaceMember has no tiergateRole, tiergateTier, tiergateTeams, tiergateManager: run tiergate install first",
    );
  });
});
