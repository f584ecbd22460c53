/**
 * Contract: Twenty's outbound safe mode on webhook delivery (secure-http-client/*,
 * get-is-blocked-ip.util.ts). The worker sends webhooks, so its settings decide: a target on a
 * private or loopback address is dropped silently unless the worker's
 * OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS names its host; the server's setting alone does nothing for
 * webhooks; link-local addresses stay closed even to `*`. Each test opens a host with the settings
 * it needs; a receiver's name resolves to a private address (172.18.0.9), as a compose service
 * name does on Twenty's network.
 */
import { expect, it } from 'vitest';
import { HostClient } from '../../src/host/client.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import type { HostLookup, OutboundHttpConfig } from '../../src/sandbox/outbound-safe-mode.js';
import { MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';
import {
  CONTRACT_NOW,
  WEBHOOK_SECRET,
  type Connect,
  type HostOpener,
  type Receive,
} from './harness.js';

const COUNTS = { members: 14, companies: 1, people: 1, opportunities: 1 };
const clientOptions = { retry: { attempts: 1 }, rateLimit: { requests: 10_000, windowMs: 1 } };
const privateNetwork: HostLookup = () => Promise.resolve({ address: '172.18.0.9' });
const UNSET: OutboundHttpConfig = { safeModeEnabled: true, allowedInternalHosts: [] };
const allowing = (...hosts: string[]): OutboundHttpConfig => ({
  safeModeEnabled: true,
  allowedInternalHosts: hosts,
});

/**
 * Each test configures the host's own outbound settings, so it needs a host made for it (`connect`,
 * the sandbox's); a live run lists the block as unchecked.
 */
export function outboundContract(
  hosts: HostOpener,
  connect: Connect | undefined,
  receive: Receive,
): void {
  hosts
    .needs('freshHost', 'sandboxState', 'webhookReceiver')
    .describe('outbound safe mode on webhooks', () => {
      // A skipped block is still collected, so a missing `connect` fails only when a test runs.
      const connectSandbox: Connect =
        connect ??
        (() => Promise.reject(new Error('outbound safe mode needs a sandbox behind `connect`')));
      /**
       * Opens a host with these settings, subscribes a webhook at `targetUrl` (the receiver's by
       * default) to person.created, has a member create a person, and waits until every delivery
       * attempt has ended. Returns what the receiver got and what the worker recorded.
       */
      async function deliverOnce(
        outbound: (receiverHost: string) => {
          server?: OutboundHttpConfig;
          worker?: OutboundHttpConfig;
        },
        targetUrl?: (receiverUrl: string) => string,
      ): Promise<{ received: number; sandbox: Sandbox; createdId: string }> {
        const receiver = await receive();
        const sandbox = await createSandbox({
          rls: false,
          seed: 'default',
          seedCounts: COUNTS,
          now: () => CONTRACT_NOW,
          outbound: { ...outbound(new URL(receiver.url).hostname), lookup: privateNetwork },
        });
        const endpoints = await connectSandbox(sandbox);
        try {
          const admin = new HostClient({
            url: endpoints.metadataUrl,
            token: sandbox.adminKey,
            ...clientOptions,
          });
          await admin.request(
            'mutation Hook($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }',
            {
              input: {
                targetUrl: targetUrl ? targetUrl(receiver.url) : receiver.url,
                operations: ['person.created'],
                description: 'outbound contract',
                secret: WEBHOOK_SECRET,
              },
            },
          );
          const member = sandbox.state().members.find((m) => m.roleId === MEMBER_ROLE_ID);
          if (member === undefined) throw new Error('no member with the Member role');
          const core = new HostClient({
            url: endpoints.coreUrl,
            token: member.token,
            ...clientOptions,
          });
          const created = await core.request<{ createPerson: { id: string } }>(
            'mutation P { createPerson(data: { name: { firstName: "Ada", lastName: "Probe" } }) { id } }',
          );
          await sandbox.settle();
          return {
            received: receiver.received.length,
            sandbox,
            createdId: created.createPerson.id,
          };
        } finally {
          await endpoints.close();
          await receiver.close();
        }
      }

      it('drops a webhook to a private address by default: the write succeeds, nothing arrives, nobody is told', async () => {
        const { received, sandbox, createdId } = await deliverOnce(() => ({}));
        expect(createdId).toMatch(/^[0-9a-f-]{36}$/);
        expect(received).toBe(0);
        expect(sandbox.deliveries).toHaveLength(1);
        expect(sandbox.deliveries[0]).toMatchObject({
          ok: false,
          status: undefined,
          blocked: true,
        });
        expect(sandbox.deliveries[0]?.error).toMatch(
          /^Request to internal IP address \S+ is not allowed\.$/,
        );
      });

      it("delivers nothing when the allow-list is set on the server only (the worker's is unset)", async () => {
        const { received } = await deliverOnce((host) => ({
          server: allowing(host),
          worker: UNSET,
        }));
        expect(received).toBe(0);
      });

      it("delivers once the worker's allow-list names the receiver's host", async () => {
        const { received, sandbox } = await deliverOnce((host) => ({ worker: allowing(host) }));
        expect(received).toBe(1);
        expect(sandbox.deliveries[0]).toMatchObject({ ok: true, status: 200 });
      });

      it('matches the allow-list on the host name, not on the address it resolves to', async () => {
        const { received } = await deliverOnce(() => ({
          worker: allowing('172.18.0.9', '127.0.0.2'),
        }));
        // A receiver reached by its name is not opened by its address being listed (127.0.0.1
        // receivers are reached by address: listed as 127.0.0.2, they stay closed as well).
        expect(received).toBe(0);
      });

      it('never opens a link-local address, even to an allow-list of *', async () => {
        const { received, sandbox } = await deliverOnce(
          () => ({ worker: allowing('*') }),
          () => 'http://169.254.169.254/latest/meta-data',
        );
        expect(received).toBe(0);
        expect(sandbox.deliveries[0]?.error).toBe(
          'Request to internal IP address 169.254.169.254 is not allowed.',
        );
      });

      it('delivers to a private address with safe mode off on the worker', async () => {
        const { received } = await deliverOnce(() => ({
          worker: { safeModeEnabled: false, allowedInternalHosts: [] },
        }));
        expect(received).toBe(1);
      });
    });
}
