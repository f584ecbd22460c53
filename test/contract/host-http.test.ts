/**
 * The host contract against the sandbox's HTTP server on loopback. Webhook deliveries travel
 * over real HTTP too: the sandbox posts with the global `fetch` to a `node:http` receiver on
 * 127.0.0.1, which records the raw bytes and headers as they arrived.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandboxServer } from '../../src/sandbox/server.js';
import {
  describeHostContract,
  type ReceivedRequest,
  type WebhookReceiver,
} from './host.contract.js';

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') flat[name] = value;
    else if (Array.isArray(value)) flat[name] = value.join(', ');
  }
  return flat;
}

async function startReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        rawBody: Buffer.concat(chunks).toString('utf8'),
        headers: flatHeaders(request.headers),
      });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/twenty`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

describeHostContract(
  'host contract over HTTP (sandbox server on loopback)',
  async (sandbox) => {
    const running = await startSandboxServer(sandbox.serverOptions);
    return {
      coreUrl: `${running.url}/graphql`,
      metadataUrl: `${running.url}/metadata`,
      close: async () => {
        running.server.closeAllConnections();
        await running.close();
      },
    };
  },
  startReceiver,
);
