/**
 * Which API a request target reaches, routed as Twenty's server routes it, so that tests see
 * every spelling Twenty would answer. Two stages, as in Twenty:
 *
 * 1. Express. Twenty is a NestJS app on Express (`@nestjs/platform-express`; twentyhq/twenty
 *    `packages/twenty-server/package.json`). GraphQL and the metadata API are mounted by
 *    `@graphql-yoga/nestjs` with `app.use(yoga.graphqlEndpoint, …)` (dotansimha/graphql-yoga
 *    `packages/nestjs/src/index.ts`, `registerExpress`), paths `/graphql` and `/metadata`
 *    (`engine/api/graphql/core-graphql-api` and `metadata.module-factory.ts`, `path: '/metadata'`);
 *    REST is a Nest controller on `rest` with `*path` routes
 *    (`engine/api/rest/core/controllers/rest-api-core.controller.ts`). Express matches the
 *    pathname `parseurl` reads (undecoded; `url.parse`, which turns `\` into `/` and drops a
 *    fragment, only when the target holds `#`, a space or a control character), case-insensitively,
 *    a mount at a `/` boundary. Express 4's router (path-to-regexp 0.1) and Express 5's (router 2,
 *    path-to-regexp 8) build the same expression for a literal mount: this runs Express 4.
 * 2. Yoga's own check (`use-unhandled-route.ts` in graphql-yoga): the request URL, built from
 *    `originalUrl` and parsed by WHATWG `URL` (dot segments resolved, `\` read as `/`), must end
 *    with the endpoint (or the endpoint and `/`), or its pathname be the endpoint (or it and
 *    `/`); else 404. Older Yoga versions compare the pathname only; the lenient check is kept here
 *    because it routes more spellings, and the gateway must hold against whichever Twenty runs.
 */
import type { Request } from 'express';
import { RouteProbe } from '../host/express-probe.js';

/** The API a target reaches, with the path the sandbox answers it under. */
export type Routed =
  | { readonly api: 'graphql'; readonly path: '/graphql' }
  | { readonly api: 'metadata'; readonly path: '/metadata' }
  | { readonly api: 'rest'; readonly path: string }
  | { readonly api: 'healthz'; readonly path: '/healthz' }
  | { readonly api: 'none' };

/** Yoga's `useUnhandledRoute`: whether the endpoint answers this request at all. */
function yogaServes(originalUrl: string, endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(`http://sandbox.invalid${originalUrl}`);
  } catch {
    return false;
  }
  return (
    url.href.endsWith(endpoint) ||
    url.href.endsWith(`${endpoint}/`) ||
    url.pathname === endpoint ||
    url.pathname === `${endpoint}/`
  );
}

const ROUTES = new RouteProbe<Routed>((router, mark) => {
  for (const endpoint of ['/graphql', '/metadata'] as const)
    router.use(endpoint, (request: Request) => {
      const served = yogaServes(request.originalUrl, endpoint);
      mark(
        request,
        !served
          ? { api: 'none' }
          : endpoint === '/graphql'
            ? { api: 'graphql', path: endpoint }
            : { api: 'metadata', path: endpoint },
      );
    });
  // Express 4 spelling of Nest's `rest/*path` on Express 5: one or more characters after `/rest/`.
  router.all('/rest/*', (request: Request) => mark(request, { api: 'rest', path: request.path }));
  router.get('/healthz', (request: Request) => mark(request, { api: 'healthz', path: '/healthz' }));
  router.use((request: Request) => mark(request, { api: 'none' }));
});

/**
 * Routes a request target (path and query, as sent) through Express's own router. The matching
 * layers run synchronously, so the answer is known when the router returns.
 */
export function routeTarget(method: string, target: string): Routed {
  return ROUTES.route(method, target) ?? { api: 'none' };
}
