/**
 * The host contract through msw: each sandbox answers in-process at its own
 * `http://twenty-<n>.test` (so a workspace shared by several tests and the fresh ones never
 * answer for each other), with the same code as its HTTP server, and `onUnhandledRequest:
 * 'error'` fails any request nobody declared. Webhook deliveries (the sandbox's global `fetch`,
 * which msw intercepts) are caught by a handler declared for the receiver's URL, which records
 * the raw body and headers.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { sandboxHandlers } from '../../src/sandbox/msw-handlers.test-support.js';
import { describeHostContract, type ReceivedRequest } from './host.contract.js';

let hosts = 0;
let receivers = 0;

const server = setupServer();
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => {
  server.close();
});

describeHostContract(
  'host contract through msw (sandbox handlers at http://twenty-<n>.test)',
  (sandbox) => {
    const baseUrl = `http://twenty-${++hosts}.test`;
    server.use(...sandboxHandlers(sandbox.serverOptions, baseUrl));
    return Promise.resolve({
      coreUrl: `${baseUrl}/graphql`,
      metadataUrl: `${baseUrl}/metadata`,
      close: () => Promise.resolve(),
    });
  },
  () => {
    const url = `http://addon-${++receivers}.test/hooks/twenty`;
    const received: ReceivedRequest[] = [];
    server.use(
      http.post(url, async ({ request }) => {
        received.push({
          method: request.method,
          rawBody: await request.text(),
          headers: Object.fromEntries(request.headers.entries()),
        });
        return new HttpResponse('ok', { status: 200 });
      }),
    );
    return Promise.resolve({ url, received, close: () => Promise.resolve() });
  },
);
