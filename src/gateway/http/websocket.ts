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

/** Whether the upgrade is on a path the gateway enforces (an unreadable path counts as one). */
function onEnforcedPath(request: IncomingMessage): boolean {
  try {
    return surfaceOf(rawTarget(request.url).path).surface !== 'other';
  } catch {
    return true;
  }
}

/** The client's upgrade request as the host gets it, with the gateway's forwarding headers. */
function upgradeRequestText(request: IncomingMessage, upstream: URL): string {
  const headers = forwardedHeaders(request, true);
  headers.connection = 'Upgrade';
  const upgrade = headerText(request.headers, 'upgrade');
  if (upgrade) headers.upgrade = upgrade;
  headers.host = upstream.host;
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers))
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Pipes both ways once the host answers 101; any other answer goes back and both ends close. */
function relayOnceSwitched(socket: Socket, target: Socket, head: Buffer, close: () => void): void {
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
}

export function relayUpgrade({ request, socket, head, upstream, port, relayed }: Upgrade): void {
  if (onEnforcedPath(request)) {
    socket.end(
      'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nSubscriptions are not available through the gateway\n',
    );
    return;
  }
  const onConnected = () => {
    target.write(upgradeRequestText(request, upstream));
    relayOnceSwitched(socket, target, head, close);
  };
  const target: Socket =
    upstream.protocol === 'https:'
      ? tlsConnect({ host: upstream.hostname, port, servername: upstream.hostname }, onConnected)
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
