/** What the tests of `tiergate serve` share: running it in-process, an installation, a webhook. */
import { writeInstallation } from '../sync/installation.js';
import { seal } from '../sync/secret-box.js';
import { serveCommand } from './commands/serve.js';
import { runUntilStopped } from './run.test-support.js';

/** Runs `tiergate serve …` in-process; `ready` resolves with the URL once it is announced. */
export function runServe(
  cwd: string,
  env: Record<string, string>,
  argv: string[] = ['--port', '0'],
) {
  return runUntilStopped(serveCommand, cwd, env, argv, /serving on (http:\/\/\S+)/);
}

/** An installation record for `hostUrl` holding `secret` sealed with `key`. */
export async function installWithSecret(
  cwd: string,
  secret: string,
  key: Uint8Array,
  hostUrl = 'http://twenty.test',
): Promise<void> {
  await writeInstallation(cwd, {
    hostUrl,
    addonUrl: 'http://127.0.0.1:3031',
    installedAt: '2026-03-01T12:00:00.000Z',
    created: [],
    webhookId: 'wh-1',
    sealedWebhookSecret: seal(secret, key),
    rlsEntitled: false,
    apiKeyId: null,
    sealedApiKey: null,
    workspace: null,
  });
}

/** A `company.created` webhook body as Twenty posts it. */
export function companyCreated(recordId: string): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    targetUrl: 'http://127.0.0.1:3031/webhooks/twenty',
    eventName: 'company.created',
    objectMetadata: { id: 'obj-company', nameSingular: 'company' },
    workspaceId: 'ws-1',
    webhookId: 'wh-1',
    eventDate: now,
    record: { id: recordId, name: 'Acme', updatedAt: now },
  });
}
