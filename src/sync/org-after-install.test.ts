/** The org read from the sandbox once install has added the tiergate* fields to workspaceMember. */
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { ADDON_URL, orgWorld, policyWith } from '../twenty-app/org-world.test-support.js';
import { pullOrg, readHostMembers } from '../twenty-app/host-org.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { install } from './install.js';

const server = mswServer();
const world = (): ReturnType<typeof orgWorld> => orgWorld(server);

describe('reading the org from the sandbox after install', () => {
  it('reads every workspace member over several pages, with the fields set in Twenty', async () => {
    const { sandbox, host } = await world();
    await install(host, tiergateManifest(), { addonUrl: ADDON_URL });
    await host.dataModel.refresh();
    const records = Object.values(sandbox.state().records.workspaceMember ?? {});
    const [boss, rep] = records.map((r) => r.id);
    for (const [id, data] of [
      [boss, '{ tiergateRole: "manager", tiergateTier: "director", tiergateTeams: ["sales"] }'],
      [rep, `{ tiergateRole: "rep", tiergateTeams: ["emea"], tiergateManager: "${boss}" }`],
    ] as const) {
      await host.core.request(
        `mutation($id: UUID!) { updateWorkspaceMember(id: $id, data: ${data}) { id } }`,
        { id },
      );
    }

    const members = await readHostMembers(host, { withOrgFields: true });
    expect(members).toHaveLength(70);
    expect(new Set(members.map((m) => m.id)).size).toBe(70);

    const org = await pullOrg(host, policyWith('host'));
    expect(org.policy.org.members.map((m) => [m.id, m.role, m.tier, m.manager])).toEqual([
      [boss, 'manager', 'director', undefined],
      [rep, 'rep', 'junior', boss],
    ]);
    // The 68 others hold nothing in Twenty's fields and have no entry: left out, each named.
    expect(org.problems).toHaveLength(68);
  });
});
