import { randomBytes } from 'node:crypto';
import {
  createServer,
  get as httpGet,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { DEMO_POLICY } from './testing/gateway.test-support.js';
import { IdentityResolver, type IdentityLookup } from './http/identity.js';
import { DEFAULT_LIMITS } from './core/limits.js';
import { GatewayModel } from './core/model.js';
import { startGateway, type Gateway } from './http/server.js';

/** What the upstream saw of one request. */
interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A promise with its resolver outside, for steps the test orders itself. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const lookup: IdentityLookup = {
  currentMember: () => Promise.resolve({ rejected: 'the upstream in this test knows nobody' }),
  acceptsApiKey: () => Promise.resolve({ rejected: 'the upstream in this test knows no key' }),
};

function gatewayOptions(upstream: string) {
  return {
    upstream,
    policy: DEMO_POLICY,
    engine: compilePolicy(DEMO_POLICY),
    model: new GatewayModel(STANDARD_OBJECTS),
    identity: new IdentityResolver({ lookup, apiKeys: {} }),
    limits: DEFAULT_LIMITS,
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** Reads from a raw socket until `done` says the text so far is complete. */
function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (done(text)) {
        socket.off('data', onData);
        socket.off('end', onEnd);
        resolve(text);
      }
    };
    const onEnd = () => {
      socket.off('data', onData);
      if (done(text)) resolve(text);
      else reject(new Error(`the connection ended after ${JSON.stringify(text)}`));
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', reject);
  });
}

describe('the gateway passing through what it does not enforce', () => {
  const seen: Seen[] = [];
  const upgrades: Seen[] = [];
  /** Lets the upstream finish the streamed answer once the client has its first part. */
  let secondPart = signal();
  let upstream: Server;
  let gateway: Gateway;
  let upstreamPort: number;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      void bodyOf(request).then(async (body) => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        if (request.url === '/static/app.js') {
          response.writeHead(203, 'Served From Test', {
            'content-type': 'text/javascript; charset=utf-8',
            'cache-control': 'public, max-age=31536000, immutable',
            etag: '"abc123"',
            'x-upstream': 'yes',
            'set-cookie': ['a=1; Path=/', 'b=2; Path=/; HttpOnly'],
          });
          response.write('first part;');
          await secondPart.promise;
          response.end('second part;');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok');
      });
    });
    upstream.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      upgrades.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: head,
      });
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.write('hello from upstream|');
      socket.on('data', (chunk: Buffer) =>
        socket.write(Buffer.concat([Buffer.from('echo:'), chunk])),
      );
      socket.on('end', () => socket.end());
      socket.on('error', () => socket.destroy());
    });
    upstreamPort = await listen(upstream);
    gateway = await startGateway(gatewayOptions(`http://127.0.0.1:${upstreamPort}`));
  });

  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("streams a static file's status, headers and body from the upstream unchanged", async () => {
    secondPart = signal();
    const gatewayUrl = new URL(gateway.url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(
        { hostname: gatewayUrl.hostname, port: gatewayUrl.port, path: '/static/app.js' },
        resolve,
      ).on('error', reject);
    });
    expect(response.statusCode).toBe(203);
    expect(response.statusMessage).toBe('Served From Test');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.etag).toBe('"abc123"');
    expect(response.headers['x-upstream']).toBe('yes');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    // The first part arrives while the upstream still holds the rest back: streamed, not buffered.
    const chunks: Buffer[] = [];
    const first = signal();
    const ended = signal();
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).toString() === 'first part;') first.resolve();
    });
    response.on('end', () => ended.resolve());
    await first.promise;
    secondPart.resolve();
    await ended.promise;
    expect(Buffer.concat(chunks).toString()).toBe('first part;second part;');
  });

  it('delivers a POST body to a path it does not enforce byte for byte', async () => {
    const payload = randomBytes(64 * 1024);
    const response = await fetch(`${gateway.url}/files/upload?name=a%20b`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-client': 'kept' },
      body: payload,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const request = seen.find((candidate) => candidate.url === '/files/upload?name=a%20b');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/octet-stream');
    expect(request?.headers['x-client']).toBe('kept');
    expect(request?.body.equals(payload)).toBe(true);
  });

  it("replaces the client's X-Forwarded-For and X-Forwarded-Host with the gateway's own", async () => {
    await fetch(`${gateway.url}/forwarded-check`, {
      headers: {
        'x-forwarded-for': '203.0.113.66',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.66;host=evil.example',
      },
    });
    const request = seen.find((candidate) => candidate.url === '/forwarded-check');
    expect(request?.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(request?.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(request?.headers['x-forwarded-proto']).toBe('http');
    expect(request?.headers.forwarded).toBeUndefined();
    expect(JSON.stringify(request?.headers)).not.toContain('evil.example');
    expect(JSON.stringify(request?.headers)).not.toContain('203.0.113.66');
  });

  it.each(['//graphql', '//rest/companies', '/GraphQL/', '/%72est/companies'])(
    'never passes %s to the upstream unenforced',
    async (path) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer some-token' },
        body: JSON.stringify({ query: '{ companies { edges { node { id } } } }' }),
      });
      // The fake host knows no token, so an enforced request is refused at identification.
      expect(response.status).toBe(401);
      expect(seen.some((request) => request.url === path)).toBe(false);
    },
  );

  it('relays a websocket upgrade and its bytes both ways', async () => {
    const gatewayUrl = new URL(gateway.url);
    const socket = connect(Number(gatewayUrl.port), gatewayUrl.hostname);
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const greeting = readUntil(socket, (text) => text.includes('hello from upstream|'));
      socket.write(
        [
          'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
          `Host: ${gatewayUrl.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
      const opened = await greeting;
      expect(opened.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
      const echoed = readUntil(socket, (text) => text.includes('echo:ping-\u0000\u00ff'));
      socket.write(Buffer.from('ping-\u0000\u00ff', 'latin1'));
      expect(await echoed).toContain('echo:ping-\u0000\u00ff');
      const upgrade = upgrades.at(-1);
      expect(upgrade?.url).toBe('/socket.io/?EIO=4&transport=websocket');
      expect(upgrade?.headers.upgrade).toBe('websocket');
      expect(upgrade?.headers['sec-websocket-key']).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    } finally {
      socket.destroy();
    }
  });

  it.each(['/graphql', '/GraphQL/', '//graphql', '/%67raphql', '/rest/companies', '/REST'])(
    'refuses a websocket upgrade on %s with 403, never reaching the upstream',
    async (path) => {
      const gatewayUrl = new URL(gateway.url);
      const before = upgrades.length;
      const socket = connect(Number(gatewayUrl.port), gatewayUrl.hostname);
      try {
        const answer = readUntil(socket, (text) => text.includes('\r\n\r\n'));
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${gatewayUrl.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        );
        expect((await answer).startsWith('HTTP/1.1 403 Forbidden\r\n')).toBe(true);
        expect(upgrades.length).toBe(before);
      } finally {
        socket.destroy();
      }
    },
  );
});

describe('closing the gateway', () => {
  it(
    'ends the websocket connections it relays, so close() completes',
    { timeout: 10_000 },
    async () => {
      // An upstream that keeps its websockets open until told otherwise, as a real one does.
      const held: Socket[] = [];
      const upstream = createServer();
      upstream.on('upgrade', (_request: IncomingMessage, socket: Socket) => {
        held.push(socket);
        socket.on('error', () => socket.destroy());
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
        );
      });
      const port = await listen(upstream);
      const gateway = await startGateway(gatewayOptions(`http://127.0.0.1:${port}`));
      const gatewayUrl = new URL(gateway.url);
      const client = connect(Number(gatewayUrl.port), gatewayUrl.hostname);
      client.on('error', () => undefined);
      const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      try {
        const opened = readUntil(client, (text) => text.includes('\r\n\r\n'));
        client.write(
          `GET /ws HTTP/1.1\r\nHost: ${gatewayUrl.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        );
        expect((await opened).startsWith('HTTP/1.1 101')).toBe(true);
        await gateway.close();
        await clientClosed;
        expect(client.destroyed).toBe(true);
      } finally {
        client.destroy();
        for (const socket of held) socket.destroy();
        upstream.closeAllConnections();
        await new Promise<void>((resolve) => upstream.close(() => resolve()));
      }
    },
  );
});

describe('the gateway in front of an unreachable upstream', () => {
  it('answers 502 naming the upstream it could not reach', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gateway = await startGateway(gatewayOptions(`http://127.0.0.1:${port}`));
    try {
      const response = await fetch(`${gateway.url}/static/app.js`);
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: string };
      expect(body.error).toContain('unreachable');
      expect(body.error).toContain(`127.0.0.1:${port}`);
    } finally {
      await gateway.close();
    }
  });
});

describe('headers on enforced requests', () => {
  it("forwards the client's own headers to the host, and the host's headers back, around the gateway's JSON", async () => {
    const member = DEMO_POLICY.org.members[0]?.id ?? '';
    let seen: IncomingMessage['headers'] | undefined;
    const upstream = createServer((request, response) => {
      void bodyOf(request).then(() => {
        seen = request.headers;
        response.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': 'twenty=1',
          'x-schema-version': '42',
        });
        response.end(JSON.stringify({ data: { companies: { edges: [] } } }));
      });
    });
    const port = await listen(upstream);
    const gateway = await startGateway({
      ...gatewayOptions(`http://127.0.0.1:${port}`),
      identity: new IdentityResolver({
        lookup: { ...lookup, currentMember: () => Promise.resolve({ id: member }) },
        apiKeys: {},
      }),
    });
    try {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer member-token',
          'content-type': 'application/json',
          'x-schema-version': '41',
          'accept-language': 'fr',
          'if-none-match': '"stale"',
          'x-forwarded-for': '6.6.6.6',
        },
        body: JSON.stringify({ query: '{ companies { edges { node { id } } } }' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBe('twenty=1');
      expect(response.headers.get('x-schema-version')).toBe('42');
      expect(await response.json()).toEqual({ data: { companies: { edges: [] } } });
      expect(seen?.authorization).toBe('Bearer member-token');
      expect(seen?.['x-schema-version']).toBe('41');
      expect(seen?.['accept-language']).toBe('fr');
      // A validator is about the host's body; the client gets the gateway's.
      expect(seen?.['if-none-match']).toBeUndefined();
      expect(seen?.['x-forwarded-for']).not.toBe('6.6.6.6');
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
