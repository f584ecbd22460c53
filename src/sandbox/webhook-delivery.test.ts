import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { verifySignature } from '../host/webhook/signature.js';
import { deliverRecordEvent, webhookMatches } from './webhook-delivery.js';
import type {
  RecordEvent,
  SandboxObject,
  SandboxRecord,
  SandboxWebhook,
  WorkspaceState,
} from './workspace.js';
import { testWorkspace } from './workspace.test-support.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const server = mswServer();

const PERSON: SandboxObject = {
  id: 'obj-person',
  nameSingular: 'person',
  namePlural: 'people',
  labelSingular: 'Person',
  labelPlural: 'People',
  isActive: true,
  isCustom: false,
  fields: [],
};
const RECORD: SandboxRecord = {
  id: 'p1',
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
  deletedAt: null,
  jobTitle: 'CEO',
};

function webhook(id: string, operations: string[], secret: string | null = null): SandboxWebhook {
  return {
    id,
    targetUrl: `http://receiver.test/${id}`,
    operations,
    description: null,
    secret,
    createdAt: '',
    updatedAt: '',
    deletedAt: null,
  };
}

function state(webhooks: SandboxWebhook[]): WorkspaceState {
  return testWorkspace({ id: 'ws-1', objects: [PERSON], webhooks });
}

const created: RecordEvent = {
  object: PERSON,
  action: 'created',
  before: undefined,
  after: RECORD,
  principal: { kind: 'member', memberId: 'wm-1', roleId: 'member' },
};

interface Received {
  readonly body: string;
  readonly headers: Record<string, string>;
}

function receive(
  path: string,
  respond: () => Response | Promise<Response> = () => new HttpResponse(null, { status: 200 }),
): Received[] {
  const received: Received[] = [];
  server.use(
    http.post(`http://receiver.test/${path}`, async ({ request }) => {
      received.push({
        body: await request.text(),
        headers: Object.fromEntries(request.headers.entries()),
      });
      return respond();
    }),
  );
  return received;
}

describe('webhookMatches', () => {
  it('selects an event by object.action, *.action, object.* or *.*', () => {
    for (const ops of [['person.created'], ['*.created'], ['person.*'], ['*.*']]) {
      expect(webhookMatches(webhook('w', ops), 'person', 'created'), ops.join()).toBe(true);
    }
    expect(
      webhookMatches(webhook('w', ['company.created', 'person.updated']), 'person', 'created'),
    ).toBe(false);
  });
});

describe('deliverRecordEvent', () => {
  it("posts the body keys in Twenty's order with the record after the change", async () => {
    const received = receive('w1');
    await deliverRecordEvent(state([webhook('w1', ['*.*'])]), created, { now: () => NOW });
    expect(received).toHaveLength(1);
    const body = JSON.parse(received[0]?.body ?? '{}') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'targetUrl',
      'eventName',
      'objectMetadata',
      'workspaceId',
      'webhookId',
      'eventDate',
      'userId',
      'workspaceMemberId',
      'record',
    ]);
    expect(body).toMatchObject({
      eventName: 'person.created',
      objectMetadata: { id: 'obj-person', nameSingular: 'person' },
      workspaceId: 'ws-1',
      eventDate: '2026-06-30T12:00:00.000Z',
      workspaceMemberId: 'wm-1',
      record: RECORD,
    });
  });

  it('sends the state before the change for a destroyed record, with no before key of its own', async () => {
    const received = receive('w1');
    await deliverRecordEvent(
      state([webhook('w1', ['person.destroyed'])]),
      { ...created, action: 'destroyed', before: RECORD, after: undefined },
      { now: () => NOW },
    );
    const body = JSON.parse(received[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body.record).toEqual(RECORD);
    expect(body).not.toHaveProperty('before');
  });

  it('signs the exact bytes sent when the webhook has a secret, so the receiver verifies them', async () => {
    const received = receive('w1');
    await deliverRecordEvent(state([webhook('w1', ['*.*'], 'whsec-1234567890abcdef')]), created, {
      now: () => NOW,
    });
    const { body, headers } = received[0] ?? { body: '', headers: {} };
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-twenty-webhook-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(verifySignature(body, headers, { secrets: ['whsec-1234567890abcdef'], now: NOW })).toBe(
      NOW,
    );
  });

  it('sends no signature headers when the webhook has no secret', async () => {
    const received = receive('w1');
    await deliverRecordEvent(state([webhook('w1', ['*.*'])]), created, { now: () => NOW });
    expect(received[0]?.headers).not.toHaveProperty('x-twenty-webhook-signature');
  });

  it('posts once per matching webhook and never to a deleted one', async () => {
    const first = receive('w1');
    const second = receive('w2');
    const gone = { ...webhook('w3', ['*.*']), deletedAt: '2026-06-01T00:00:00.000Z' };
    const results = await deliverRecordEvent(
      state([
        webhook('w1', ['*.*']),
        webhook('w2', ['person.created']),
        gone,
        webhook('w4', ['company.*']),
      ]),
      created,
      { now: () => NOW },
    );
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(results.map((r) => r.webhookId)).toEqual(['w1', 'w2']);
  });

  it('records a failure without retrying it', async () => {
    const received = receive('w1', () => new HttpResponse(null, { status: 503 }));
    const [result] = await deliverRecordEvent(state([webhook('w1', ['*.*'])]), created, {
      now: () => NOW,
    });
    expect(received).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, status: 503 });
  });

  it('gives up on a receiver slower than the timeout', async () => {
    receive('w1', async () => {
      await delay(300);
      return new HttpResponse(null, { status: 200 });
    });
    const [result] = await deliverRecordEvent(state([webhook('w1', ['*.*'])]), created, {
      now: () => NOW,
      timeoutMs: 50,
    });
    expect(result?.ok).toBe(false);
    expect(result?.status).toBeUndefined();
    expect(result?.error).toMatch(/TimeoutError|AbortError/);
  });
});

describe('deliverRecordEvent under outbound safe mode', () => {
  const loopbackHook = (): SandboxWebhook => ({
    ...webhook('w1', ['*.*']),
    targetUrl: 'http://127.0.0.1:9/webhooks/twenty',
  });

  it('drops a webhook to a loopback address without sending it, by default', async () => {
    let sent = 0;
    const results = await deliverRecordEvent(state([loopbackHook()]), created, {
      now: () => NOW,
      fetch: () => {
        sent += 1;
        return Promise.resolve(new Response(null, { status: 200 }));
      },
    });
    expect(sent).toBe(0);
    expect(results).toEqual([
      {
        webhookId: 'w1',
        eventName: 'person.created',
        status: undefined,
        ok: false,
        error: 'Request to internal IP address 127.0.0.1 is not allowed.',
        blocked: true,
      },
    ]);
  });

  it("sends it when the worker's allow-list names the host", async () => {
    let sent = 0;
    const [result] = await deliverRecordEvent(state([loopbackHook()]), created, {
      now: () => NOW,
      outbound: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] },
      fetch: () => {
        sent += 1;
        return Promise.resolve(new Response(null, { status: 200 }));
      },
    });
    expect(sent).toBe(1);
    expect(result).toMatchObject({ ok: true, status: 200 });
  });
});
