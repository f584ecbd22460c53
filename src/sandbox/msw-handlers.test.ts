import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostClient } from '../host/client.js';
import { HostError } from '../host/host-error.js';
import { sandboxHandlers } from './msw-handlers.test-support.js';
import type { GraphqlApi } from './server.js';
import { testWorkspace } from './workspace.test-support.js';

const STATE = testWorkspace();

const echo = (name: string): GraphqlApi => ({
  execute: (request) =>
    Promise.resolve({
      data: {
        api: name,
        member: request.principal.kind === 'member' ? request.principal.memberId : null,
      },
    }),
});

const server = setupServer(
  ...sandboxHandlers(
    { getState: () => STATE, core: echo('core'), metadata: echo('metadata'), now: () => 0 },
    'http://twenty.test',
  ),
);
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => {
  server.close();
});

describe('sandboxHandlers', () => {
  it('answer the host client in-process as the sandbox server does', async () => {
    const core = new HostClient({ url: 'http://twenty.test/graphql', token: 'member-token' });
    const metadata = new HostClient({ url: 'http://twenty.test/metadata', token: 'member-token' });
    await expect(core.request('query People { people { totalCount } }')).resolves.toEqual({
      api: 'core',
      member: 'wm-1',
    });
    await expect(metadata.request('query Roles { getRoles { id } }')).resolves.toEqual({
      api: 'metadata',
      member: 'wm-1',
    });
  });

  it('refuse a bad token with 401 and UNAUTHENTICATED, which the client reports', async () => {
    const client = new HostClient({ url: 'http://twenty.test/graphql', token: 'wrong' });
    const error = await client
      .request('query People { people { totalCount } }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(401);
    expect((error as HostError).has('UNAUTHENTICATED')).toBe(true);
  });

  it('leave other hosts unhandled, so a test cannot reach them by accident', async () => {
    await expect(
      fetch('http://elsewhere.test/graphql', { method: 'POST', body: '{}' }),
    ).rejects.toThrow();
  });
});
