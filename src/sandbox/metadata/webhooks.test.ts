import { describe, expect, it } from 'vitest';
import { CUSTOM_APPLICATION_ID } from './object-views.js';
import { NOW, firstError, harness } from './fixture.test-support.js';

const CREATE = `
  mutation Create($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      id targetUrl operations description secret applicationId createdAt updatedAt deletedAt
    }
  }`;

const INVALID_URL = {
  message: 'Invalid target URL provided',
  extensions: {
    code: 'BAD_USER_INPUT',
    subCode: 'INVALID_TARGET_URL',
    userFriendlyMessage: 'Please provide a valid HTTP or HTTPS URL.',
  },
};

describe('createWebhook', () => {
  it('stores the webhook with a normalised URL and a generated secret', async () => {
    const { run, state } = harness();
    const result = await run(CREATE, {
      input: {
        targetUrl: ' https://hooks.acme.test ',
        operations: ['opportunity.*', 'person.created'],
        description: 'Tiergate',
      },
    });
    const iso = NOW.toISOString();
    expect(result).toEqual({
      data: {
        createWebhook: {
          id: 'id-1',
          targetUrl: 'https://hooks.acme.test/',
          operations: ['opportunity.*', 'person.created'],
          description: 'Tiergate',
          secret: 'secret-1',
          applicationId: CUSTOM_APPLICATION_ID,
          createdAt: iso,
          updatedAt: iso,
          deletedAt: null,
        },
      },
    });
    expect(state().webhooks).toHaveLength(1);
  });

  it('keeps a secret the caller gives', async () => {
    const result = await harness().run(CREATE, {
      input: { targetUrl: 'http://localhost:4000/hook', operations: ['*.*'], secret: 's3cr3t' },
    });
    expect(result.data?.createWebhook).toMatchObject({
      targetUrl: 'http://localhost:4000/hook',
      operations: ['*.*'],
      secret: 's3cr3t',
    });
  });

  it.each(['ftp://files.acme.test/hook', 'hooks.acme.test/no-scheme', 'javascript:alert(1)'])(
    'refuses the target URL %s',
    async (targetUrl) => {
      const { run, state } = harness();
      const result = await run(CREATE, { input: { targetUrl, operations: ['*.*'] } });
      expect(firstError(result)).toEqual(INVALID_URL);
      expect(state().webhooks).toEqual([]);
    },
  );

  it("has no operations default through GraphQL: the schema requires the list (['*.*'] is only the column default)", async () => {
    const result = await harness().run(
      'mutation { createWebhook(input: { targetUrl: "https://x.test" }) { id } }',
    );
    expect(result.errors?.[0]?.message).toBe(
      'Field "CreateWebhookInput.operations" of required type "[String!]!" was not provided.',
    );
  });
});

describe('webhooks, webhook, updateWebhook and deleteWebhook', () => {
  it('lists, reads, updates and soft-deletes a webhook', async () => {
    const { run } = harness();
    await run(CREATE, { input: { targetUrl: 'https://a.test', operations: ['*.*'] } });
    const updated = await run(`mutation { updateWebhook(input: { id: "id-1",
      update: { targetUrl: "https://b.test/x", operations: ["company.updated"] } }) {
      targetUrl operations secret } }`);
    expect(updated).toEqual({
      data: {
        updateWebhook: {
          targetUrl: 'https://b.test/x',
          operations: ['company.updated'],
          secret: 'secret-1',
        },
      },
    });
    const read = await run('query { webhooks { id } webhook(id: "id-1") { targetUrl } }');
    expect(read).toEqual({
      data: { webhooks: [{ id: 'id-1' }], webhook: { targetUrl: 'https://b.test/x' } },
    });
    const deleted = await run('mutation { deleteWebhook(id: "id-1") { id deletedAt } }');
    expect(deleted).toEqual({ data: { deleteWebhook: { id: 'id-1', deletedAt: null } } });
    const after = await run('query { webhooks { id } webhook(id: "id-1") { id } }');
    expect(after).toEqual({ data: { webhooks: [], webhook: null } });
  });

  it('refuses an update to a non-http URL', async () => {
    const { run } = harness();
    await run(CREATE, { input: { targetUrl: 'https://a.test', operations: ['*.*'] } });
    const result = await run(
      'mutation { updateWebhook(input: { id: "id-1", update: { targetUrl: "file:///etc/passwd" } }) { id } }',
    );
    expect(firstError(result)).toEqual(INVALID_URL);
  });

  it('answers NOT_FOUND for an unknown webhook', async () => {
    const result = await harness().run('mutation { deleteWebhook(id: "nope") { id } }');
    expect(firstError(result)).toEqual({
      message: 'Webhook not found',
      extensions: {
        code: 'NOT_FOUND',
        subCode: 'WEBHOOK_NOT_FOUND',
        userFriendlyMessage: 'Webhook not found.',
      },
    });
  });
});
