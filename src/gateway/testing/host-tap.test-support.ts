/**
 * A tap between the gateway and the sandbox: every call the gateway makes to its host passes
 * through it, is recorded (so a test counts the host round trips a request costs), and may be
 * held after the host answered and before the gateway sees the answer (so a test changes a
 * record between the gateway's read and its write, as a concurrent request would).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TapCall {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

export interface HostTap {
  readonly url: string;
  readonly calls: TapCall[];
  /** Runs once the host answered a call, before the gateway gets the answer. */
  after: ((call: TapCall) => Promise<void>) | undefined;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Headers that describe one hop, not the message: fetch sets its own. */
const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function startHostTap(upstream: string): Promise<HostTap> {
  const tap: HostTap = {
    url: '',
    calls: [],
    after: undefined,
    close: () => Promise.resolve(),
  };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      const call: TapCall = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        body: body.toString('utf8'),
      };
      tap.calls.push(call);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (!HOP.has(name) && typeof value === 'string') headers.set(name, value);
      const answer = await fetch(new URL(call.path, upstream), {
        method: call.method,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const text = Buffer.from(await answer.arrayBuffer());
      await tap.after?.(call);
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP.has(name) && name !== 'content-encoding') out[name] = value;
      });
      response.writeHead(answer.status, out);
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(tap, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
