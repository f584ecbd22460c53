/**
 * Websockets through the gateway: an upgrade on a path the gateway enforces is refused (a
 * subscription would stream records past the policy); any other is relayed to the host, and
 * nothing of the client's goes on until the host has switched protocols (101), so a host that
 * refuses the upgrade but keeps the connection never reads the client's next bytes as requests
 * of their own, past the gateway.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { forwardedHeaders, headerText } from './headers.js';
import { rawTarget, surfaceOf } from './routes.js';

export interface Upgrade {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
  readonly upstream: URL;
  readonly port: number;
  /** Sockets being relayed, so that closing the gateway can end them. */
  readonly relayed: Set<Socket>;
}

export function relayUpgrade({ request, socket, head, upstream, port, relayed }: Upgrade): void {
  const secure = upstream.protocol === 'https:';
  let surface: string;
  try {
    surface = surfaceOf(rawTarget(request.url).path).surface;
  } catch {
    surface = 'graphql';
  }
  if (surface !== 'other') {
    // Subscriptions would stream records past the policy.
    socket.end(
      'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nSubscriptions are not available through the gateway\n',
    );
    return;
  }
  const onConnected = () => {
    const headers = forwardedHeaders(request, true);
    headers.connection = 'Upgrade';
    const upgrade = headerText(request.headers, 'upgrade');
    if (upgrade) headers.upgrade = upgrade;
    headers.host = upstream.host;
    const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers))
      for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
    target.write(`${lines.join('\r\n')}\r\n\r\n`);
    // Nothing of the client's goes on until the host has switched protocols: a host that
    // refuses the upgrade but keeps the connection would otherwise read the client's next
    // bytes as requests of their own, past the gateway.
    let answer = Buffer.alloc(0);
    const onAnswer = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (answer.length > 64 * 1024) close();
        return;
      }
      target.off('data', onAnswer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.toString('latin1', 0, end))?.[1];
      if (status !== '101') {
        // The host's refusal goes back as it is, and both ends close.
        socket.end(answer.subarray(0, end + 4));
        target.destroy();
        return;
      }
      socket.write(answer);
      if (head.length > 0) target.write(head);
      target.pipe(socket);
      socket.pipe(target);
    };
    target.on('data', onAnswer);
  };
  const target: Socket = secure
    ? tlsConnect(
        { host: upstream.hostname, port: port, servername: upstream.hostname },
        onConnected,
      )
    : connect(port, upstream.hostname, onConnected);
  relayed.add(socket).add(target);
  const close = () => {
    target.destroy();
    socket.destroy();
    relayed.delete(socket);
    relayed.delete(target);
  };
  socket.on('close', close);
  target.on('close', close);
  target.on('error', close);
  socket.on('error', close);
}
