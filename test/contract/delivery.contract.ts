/** Contract: signed webhook deliveries and refused tokens. */
import { describe, expect } from 'vitest';
import { verifySignature } from '../../src/host/webhook/signature.js';
import { CONTRACT_NOW, type HostOpener, type Receive, WEBHOOK_SECRET, failure } from './harness.js';

export function deliveryContract(hosts: HostOpener, receive: Receive): void {
  describe('webhooks and authentication', () => {
    // Each of these tests changes the workspace or reads a seeded member's view.
    const { it } = hosts.needs('webhookReceiver', 'freshHost', 'memberTokens', 'sandboxState');
    it('delivers one signed POST to a webhook when a member creates a record', async () => {
      const receiver = await receive();
      try {
        const host = await hosts.open();
        const memberAccount = host.member();
        const webhook = await host.adminMetadata.request<{
          createWebhook: { id: string; targetUrl: string; operations: string[] };
        }>(
          `mutation Hook($input: CreateWebhookInput!) { createWebhook(input: $input) { id targetUrl operations } }`,
          {
            input: {
              targetUrl: receiver.url,
              operations: ['person.created'],
              description: 'contract',
              secret: WEBHOOK_SECRET,
            },
          },
        );
        expect(webhook.createWebhook).toMatchObject({
          targetUrl: receiver.url,
          operations: ['person.created'],
        });
        const created = await host
          .core(memberAccount.token)
          .request<{ createPerson: { id: string } }>(
            'mutation P { createPerson(data: { name: { firstName: "Grace", lastName: "Hopper" } }) { id } }',
          );
        // A company is not among the webhook's operations: it must not be delivered.
        await host
          .core(memberAccount.token)
          .request('mutation C { createCompany(data: { name: "Unwatched" }) { id } }');
        for (let waited = 0; receiver.received.length === 0 && waited < 2000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await host.sandbox.settle();
        expect(receiver.received).toHaveLength(1);
        const delivery = receiver.received[0];
        if (delivery === undefined) throw new Error('no delivery');
        expect(delivery.method).toBe('POST');
        expect(delivery.headers['content-type']).toContain('application/json');
        expect(
          verifySignature(delivery.rawBody, delivery.headers, {
            secrets: [WEBHOOK_SECRET],
            now: CONTRACT_NOW.getTime(),
          }),
        ).toBe(CONTRACT_NOW.getTime());
        expect(() =>
          verifySignature(delivery.rawBody, delivery.headers, {
            secrets: ['another-secret'],
            now: CONTRACT_NOW.getTime(),
          }),
        ).toThrow();
        const body = JSON.parse(delivery.rawBody) as Record<string, unknown>;
        expect(body).toMatchObject({
          targetUrl: receiver.url,
          eventName: 'person.created',
          objectMetadata: { id: await host.objectId('person'), nameSingular: 'person' },
          webhookId: webhook.createWebhook.id,
          workspaceMemberId: memberAccount.id,
          record: {
            id: created.createPerson.id,
            name: { firstName: 'Grace', lastName: 'Hopper' },
          },
        });
        expect(body).not.toHaveProperty('secret');
        expect(body).not.toHaveProperty('before');
      } finally {
        await receiver.close();
      }
    });

    hosts.it(
      'answers an invalid token with HTTP 401 and UNAUTHENTICATED, on both endpoints',
      async () => {
        const host = await hosts.open();
        for (const client of [host.core('not-a-token'), host.metadata('not-a-token')]) {
          const error = await failure(client.request('query Q { __typename }'));
          expect(error.status).toBe(401);
          expect(error.has('UNAUTHENTICATED')).toBe(true);
          expect(error.retryable).toBe(false);
          expect(error.message).not.toContain('not-a-token');
        }
      },
    );
  });
}
