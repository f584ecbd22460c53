/**
 * Calls to Twenty's server: enforced requests as JSON the gateway judges, everything else
 * streamed both ways unchanged. Intermediary headers (`X-Forwarded-*`) are the gateway's own.
 */
import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Denial } from '../core/denial.js';
import type { HostAnswer } from '../core/host-answer.js';
import { forwardedHeaders, relayedHeaders, sendJson, STRIPPED_FROM_ENFORCED } from './headers.js';

/** The most the gateway reads of one host answer it must judge (64 MiB). */
const MAX_HOST_ANSWER_BYTES = 64 * 1024 * 1024;
/** The longest a host may take over one answer the gateway must judge. */
const HOST_DEADLINE_MS = 30_000;

interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly answerHeaders: Record<string, string | string[]>;
}

export class Upstream {
  readonly url: URL;
  readonly port: number;
  readonly #request: typeof httpRequest | typeof httpsRequest;
  // Enforced calls reuse connections; the pass-through keeps the client's own.
  readonly #agent: Agent;

  constructor(upstream: string) {
    this.url = new URL(upstream);
    const secure = this.url.protocol === 'https:';
    this.#request = secure ? httpsRequest : httpRequest;
    this.port = Number(this.url.port || (secure ? 443 : 80));
    this.#agent = secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: 256 })
      : new Agent({ keepAlive: true, maxSockets: 256 });
  }

  /** A request to the host with the caller's headers and a JSON body; its JSON answer. */
  async json(
    path: string,
    method: string,
    request: IncomingMessage,
    body: unknown,
  ): Promise<HostAnswer> {
    // The client's own headers (its token, locale, cookies, Twenty's schema-version header…),
    // but the body is the gateway's JSON, uncompressed.
    const headers = forwardedHeaders(request, false, STRIPPED_FROM_ENFORCED);
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json';
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) headers['content-length'] = String(payload.length);
    const { status, text, answerHeaders } = await this.#exchange(method, path, headers, payload);
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new Denial('GATEWAY_ERROR', `The host answered ${status} with a body that is not JSON`);
    }
    return { status, body: parsed, headers: answerHeaders };
  }

  /** One enforced exchange, read whole within the cap and the deadline. */
  #exchange(
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    payload: Buffer | undefined,
  ): Promise<RawAnswer> {
    return new Promise<RawAnswer>((resolve, reject) => {
      const outgoing = this.#request(
        { ...this.#target(), method, path, headers, agent: this.#agent, timeout: 30_000 },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            // An answer past the cap is not judged piecemeal: it is refused whole.
            if (size > MAX_HOST_ANSWER_BYTES)
              outgoing.destroy(new Error(`an answer larger than ${MAX_HOST_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          incoming.on('end', () => {
            clearTimeout(deadline);
            resolve({
              status: incoming.statusCode ?? 502,
              text: Buffer.concat(chunks).toString('utf8'),
              answerHeaders: relayedHeaders(incoming.headers),
            });
          });
          incoming.on('error', reject);
        },
      );
      // The whole exchange within 30 s, however slowly the host trickles its bytes.
      const deadline = setTimeout(
        () => outgoing.destroy(new Error('no full answer within 30 s')),
        HOST_DEADLINE_MS,
      );
      outgoing.on('close', () => clearTimeout(deadline));
      outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
      outgoing.on('error', (error) =>
        reject(new Denial('GATEWAY_ERROR', `The host could not be read in full: ${error.message}`)),
      );
      outgoing.end(payload);
    });
  }

  /**
   * Streams a request to the host and its answer back, unchanged (a body already read, as the
   * metadata API's is, goes as it was read).
   */
  passThrough(request: IncomingMessage, response: ServerResponse, body?: Buffer): void {
    const headers = forwardedHeaders(request, body === undefined);
    if (body !== undefined) headers['content-length'] = String(body.length);
    const outgoing = this.#request(
      { ...this.#target(), method: request.method, path: request.url, headers },
      (upstreamResponse) => {
        const answer: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers))
          if (value !== undefined && name !== 'connection' && name !== 'keep-alive')
            answer[name] = value;
        response.writeHead(
          upstreamResponse.statusCode ?? 502,
          upstreamResponse.statusMessage,
          answer,
        );
        upstreamResponse.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent)
        sendJson(response, 502, { error: `The host is unreachable: ${error.message}` });
      else response.destroy(error);
    });
    if (body === undefined) request.pipe(outgoing);
    else outgoing.end(body);
  }

  /** Ends the kept-alive connections of enforced calls. */
  close(): void {
    this.#agent.destroy();
  }

  #target() {
    return { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port };
  }
}
