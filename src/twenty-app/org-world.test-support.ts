/** A sandbox of 70 members served over msw at a fixed URL, and a host client for it: where org reads are tested. */
import { http, HttpResponse } from 'msw';
import type { SetupServerApi } from 'msw/node';
import { connectHost, type Host } from '../host/host.js';
import { loadPolicy } from '../policy/load.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';

export const BASE_URL = 'http://twenty.test';
export const ADDON_URL = 'https://addon.test';

/** The sandbox behind `server` (the test file's msw server), and a host client with its admin key. */
export async function orgWorld(server: SetupServerApi): Promise<{ sandbox: Sandbox; host: Host }> {
  const sandbox = await createSandbox({
    rls: true,
    seed: 'default',
    seedCounts: { members: 70, companies: 0, people: 0, opportunities: 0 },
    adminKey: 'org-test-key',
  });
  server.use(
    ...sandboxHandlers(sandbox.serverOptions, BASE_URL),
    http.post(`${ADDON_URL}/webhooks/twenty`, () => new HttpResponse(null, { status: 200 })),
  );
  return { sandbox, host: connectHost({ baseUrl: BASE_URL, token: 'org-test-key' }) };
}

/** A policy over `company` with the org from `source`, two roles and the given members and restrictions (YAML). */
export const policyWith = (
  source: 'host' | 'config',
  members = '[]',
  restrictions = '[]',
): ReturnType<typeof loadPolicy> =>
  loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }, { id: director }]
objects: { company: { owner: [accountOwnerId] } }
org:
  source: ${source}
  teams: [{ id: sales, children: [emea] }, { id: emea }]
  members: ${members}
roles:
  rep: { label: Rep, duties: Sells., defaultTier: junior, objects: { company: { read: { junior: own } } } }
  manager: { label: Manager, duties: Leads., defaultTier: senior, objects: { company: { read: { senior: all } } } }
restrictions: ${restrictions}
`);
