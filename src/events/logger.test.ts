/**
 * What the add-on server's log lines may hold: query values are credentials as often as
 * headers are (`?access_token=…`), so they are redacted and only their names kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../host/webhook/signature.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { CENSOR, createLogger, loggableUrl } from './logger.js';
import { createMetrics } from './metrics.js';
import { startServer } from './server.js';
import { WEBHOOK_PATH } from '../twenty-app/names.js';

const SECRET = 'whsec-logger-test-0123456789abcdef';
const TOKEN = 'tok-QUERY-CREDENTIAL-5531';

describe('loggableUrl', () => {
  it('keeps the path and the names of query parameters, never their values', () => {
    expect(loggableUrl(`/webhooks/twenty?access_token=${TOKEN}&debug=1&flag`)).toBe(
      `/webhooks/twenty?access_token=${CENSOR}&debug=${CENSOR}&flag=${CENSOR}`,
    );
  });

  it('leaves a URL without a query as it is', () => {
    expect(loggableUrl('/webhooks/twenty')).toBe('/webhooks/twenty');
    expect(loggableUrl('/webhooks/twenty?')).toBe('/webhooks/twenty');
  });
});

describe('the intake log', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
    await store.migrate();
  }, 120_000);
  afterAll(() => store.close());

  it('never holds a query value, whether the webhook is accepted or refused', async () => {
    const lines: string[] = [];
    const server = await startServer({
      store,
      webhookSecret: () => SECRET,
      logger: createLogger({
        destination: { write: (line: string) => void lines.push(line) },
        secrets: () => [SECRET],
        level: 'debug',
      }),
      metrics: createMetrics({ processMetrics: false }),
      closeStore: false,
    });
    try {
      const body = JSON.stringify({
        eventName: 'company.created',
        objectMetadata: { id: 'obj-company', nameSingular: 'company' },
        workspaceId: 'ws-1',
        webhookId: 'wh-1',
        eventDate: new Date().toISOString(),
        record: { id: 'c-1', name: 'Acme', updatedAt: new Date().toISOString() },
      });
      const url = `${server.url}${WEBHOOK_PATH}?access_token=${TOKEN}`;
      const accepted = await fetch(url, {
        method: 'POST',
        headers: signedHeaders(SECRET, body, Date.now()),
        body,
      });
      expect(accepted.status).toBe(200);
      const refused = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body,
      });
      expect(refused.status).toBe(415);
    } finally {
      await server.close();
    }
    const log = lines.join('');
    expect(log).toContain(`${WEBHOOK_PATH}?access_token=${CENSOR}`);
    expect(log).not.toContain(TOKEN);
  });
});
