/**
 * The host contract: the behaviours of Twenty that Tiergate relies on (HOST-CONTRACT.md), as one
 * suite that runs against any transport to the sandbox (loopback HTTP, msw). Every test talks to
 * the host only as Tiergate will: through `HostClient`, over the endpoints `connect` gives, with
 * a member's token or the admin API key. The sandbox itself is only the fixture: it makes the
 * workspace and hands out the tokens. Against a live Twenty (host-live.live.ts), the tests that
 * need a sandbox-only fixture are skipped by declaration (`hosts.needs(...)`) and listed.
 *
 * Expectations are computed from what the admin reads back through the API, so a test states
 * Twenty's rule (SQL three-valued logic, nulls ordering, keyset paging…) rather than seed data.
 */
import { afterEach, describe } from 'vitest';
import { deliveryContract } from './delivery.contract.js';
import { hostOpener, type Connect, type HostOpener, type Receive } from './harness.js';
import { membersContract } from './members.contract.js';
import { outboundContract } from './outbound.contract.js';
import { memberRoleContract } from './member-role.contract.js';
import { permissionsContract } from './permissions.contract.js';
import { rateContract } from './rate.contract.js';
import { readsContract } from './reads.contract.js';
import { recordsContract } from './records.contract.js';
import { restContract } from './rest.contract.js';
import { writesContract } from './writes.contract.js';

export type {
  Connect,
  HostEndpoints,
  Receive,
  ReceivedRequest,
  WebhookReceiver,
} from './harness.js';
export { CONTRACT_COUNTS, CONTRACT_NOW } from './harness.js';

/** `connect` puts a fresh sandbox behind a transport; a `HostOpener` is any host (a live Twenty). */
export function describeHostContract(
  name: string,
  host: Connect | HostOpener,
  receive: Receive,
): void {
  describe(name, () => {
    const hosts = typeof host === 'function' ? hostOpener(host) : host;
    afterEach(async () => {
      await hosts.closeOpened();
    });
    readsContract(hosts);
    writesContract(hosts);
    permissionsContract(hosts);
    deliveryContract(hosts, receive);
    restContract(hosts);
    membersContract(hosts);
    outboundContract(hosts, typeof host === 'function' ? host : undefined, receive);
    recordsContract(hosts, receive);
    rateContract(hosts);
    memberRoleContract(hosts);
  });
}
