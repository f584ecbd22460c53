/**
 * msw handlers that answer the sandbox's endpoints in-process, from the same `answer` the HTTP
 * server uses: unit tests of later components talk to "Twenty" without a port, and with
 * `onUnhandledRequest: 'error'` nothing they did not declare is reached.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { answer, type SandboxServerOptions } from './server.js';

const MAX_BODY_BYTES = 5_000_000;

export function sandboxHandlers(options: SandboxServerOptions, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/$/, '');
  const respond =
    (fixed?: string) =>
    async ({ request }: { request: Request }) => {
      const url = new URL(request.url);
      const { status, body } = await answer(options, {
        method: request.method,
        // The REST API is served under every /rest/ path, with its query string.
        path: fixed ?? url.pathname,
        search: url.search.replace(/^\?/, ''),
        authorization: request.headers.get('authorization') ?? undefined,
        readBody: async () => {
          const text = await request.text();
          return Buffer.byteLength(text) > (options.maxBodyBytes ?? MAX_BODY_BYTES)
            ? undefined
            : text;
        },
      });
      // JSON.stringify, as the HTTP server does: the body is the same envelope either way.
      return new HttpResponse(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
  return [
    ...['/graphql', '/metadata', '/healthz'].flatMap((path) => [
      http.post(`${base}${path}`, respond(path)),
      http.get(`${base}${path}`, respond(path)),
    ]),
    http.all(`${base}/rest/*`, respond()),
  ];
}
