/** The demo policy applies to the seeded sandbox as it is: its org is the seed's, and it compiles. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../src/policy/load.js';
import { seedPolicyOrg, seedWorkspace } from '../src/sandbox/seed/seed.js';
import { compileHostState } from '../src/sync/compile.js';
import { standardModel, withHelperFields } from '../src/sync/compile.test-support.js';

const policy = loadPolicy(
  readFileSync(new URL('../examples/demo/tiergate.policy.yaml', import.meta.url), 'utf8'),
);

describe('examples/demo/tiergate.policy.yaml', () => {
  it("holds the seeded sandbox's organisation, member for member", () => {
    const seeded = seedPolicyOrg(seedWorkspace());
    expect(policy.org.teams).toEqual(
      seeded.teams.map((t) => ({ id: t.id, label: t.label, children: t.children })),
    );
    expect(policy.org.members).toEqual(
      seeded.members.map((m) => ({
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role,
        tier: m.tier,
        teams: m.teams,
        ...(m.manager === undefined ? {} : { manager: m.manager }),
      })),
    );
  });

  it("compiles into the sandbox's roles with no problem, with and without row-level rules", () => {
    for (const rlsEntitled of [false, true]) {
      const compiled = compileHostState(policy, withHelperFields(standardModel()), { rlsEntitled });
      expect(compiled.problems).toEqual([]);
      expect(compiled.state.roles.map((r) => r.key)).toContain('sales-rep@junior');
      expect(Object.keys(compiled.state.assignments)).toHaveLength(60);
    }
  });
});
