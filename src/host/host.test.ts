import { describe, expect, it } from 'vitest';
import { mswServer } from './msw-server.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { fakeRuntime } from './fake-runtime.test-support.js';
import { connectHost } from './host.js';

const server = mswServer();

describe('connectHost', () => {
  it('reaches both endpoints of a workspace and discovers its data model', async () => {
    const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: 'admin-key-123' });
    server.use(...sandboxHandlers(sandbox.serverOptions, 'http://twenty.test'));
    const host = connectHost({ baseUrl: 'http://twenty.test/', token: 'admin-key-123' });
    await expect(
      host.core.request('query Companies { companies { totalCount } }'),
    ).resolves.toEqual({ companies: { totalCount: 0 } });
    const model = await host.dataModel.get();
    expect(
      model.object('opportunity')?.fields.find((f) => f.name === 'owner')?.relation,
    ).toMatchObject({
      type: 'MANY_TO_ONE',
      targetObject: 'workspaceMember',
      joinColumn: 'ownerId',
    });
  });

  it('counts requests to both endpoints against one rate limit', async () => {
    const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: 'admin-key-123' });
    server.use(...sandboxHandlers(sandbox.serverOptions, 'http://twenty.test'));
    const runtime = fakeRuntime();
    const host = connectHost({
      baseUrl: 'http://twenty.test',
      token: 'admin-key-123',
      runtime,
      rateLimit: { requests: 2, windowMs: 60_000 },
    });
    await host.core.request('query A { companies { totalCount } }');
    await host.metadata.request('query B { getRoles { id } }');
    await host.core.request('query C { companies { totalCount } }');
    expect(runtime.sleeps).toEqual([60_000]);
  });

  it('refuses a base URL that is not http or https', () => {
    expect(() => connectHost({ baseUrl: 'ftp://twenty.test', token: 't' })).toThrow(
      'must be http or https',
    );
    expect(() => connectHost({ baseUrl: 'not a url', token: 't' })).toThrow('is not a URL');
  });
});
