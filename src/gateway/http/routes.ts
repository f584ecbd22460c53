/**
 * What a request target reaches on Twenty's server, decided by running the router Twenty runs
 * (Express: `parseurl` for the pathname, path-to-regexp for the mounts) rather than by rules of
 * our own; then enforced on the surface's own path, refused, or passed on unchanged. A target
 * whose meaning could differ between Express, Yoga's WHATWG reading and a proxy in between
 * (fragments, backslashes, dot segments, matrix parameters, encoded separators) is refused with
 * 400, never passed on. src/sandbox/routing.ts cites the Twenty and Yoga sources.
 */
import { Kind, OperationTypeNode, parse } from 'graphql';
import { Denial } from '../core/denial.js';
import { RouteProbe } from '../../host/express-probe.js';

export type Surface = 'graphql' | 'rest' | 'metadata' | 'other';

type Mount = 'graphql' | 'rest' | 'metadata' | 'mcp' | 'record-export';

/**
 * Twenty's mounts, as prefixes: `app.use` mounts for GraphQL and metadata; the REST, MCP and
 * export controllers' routes all lie under theirs, so a prefix match is a superset of them.
 */
const MOUNTS: readonly { readonly path: string; readonly mount: Mount }[] = [
  { path: '/graphql', mount: 'graphql' },
  { path: '/metadata', mount: 'metadata' },
  { path: '/rest', mount: 'rest' },
  { path: '/mcp', mount: 'mcp' },
  { path: '/file/record-export', mount: 'record-export' },
];

/** Mounts that carry records past the policy and are not enforced: refused in every spelling. */
const REFUSED: Readonly<Partial<Record<Mount, string>>> = {
  mcp: "Twenty's MCP server reads records past the policy",
  'record-export':
    "Twenty's CSV export holds every record the member's Twenty role reads, past the policy",
};

const ROUTES = new RouteProbe<Mount | 'none'>((router, mark) => {
  for (const { path, mount } of MOUNTS) router.use(path, (request) => mark(request, mount));
  router.use((request) => mark(request, 'none'));
});

/**
 * The mount Express routes this target to. Matching layers run synchronously; a target the
 * router cannot read (its pathname parse fails) reaches no layer, and is undefined here.
 */
function expressMount(target: string): Mount | 'none' | undefined {
  return ROUTES.route('GET', target);
}

const unsure = (target: string, why: string): Denial =>
  new Denial(
    'BAD_USER_INPUT',
    `The request target ${JSON.stringify(target)} ${why}, so the gateway cannot tell which of the host's APIs it reaches. Send the plain path, e.g. /graphql or /rest/companies`,
  );

/**
 * The path and query of a request target as sent, not resolved against a base: a WHATWG URL
 * would read `//graphql` as a host named graphql. Only the origin form (`/path?query`) is
 * served; the absolute form (`http://host/graphql`) is for proxies, and refused.
 */
export function rawTarget(target: string | undefined): {
  readonly path: string;
  readonly search: string;
} {
  const text = target ?? '/';
  if (!text.startsWith('/'))
    throw new Denial('BAD_USER_INPUT', 'The request target must be a path starting with /');
  // `url.parse` (which parseurl falls back to on these) and WHATWG URL read them differently.
  if (text.includes('#')) throw unsure(text, 'holds a fragment (#)');
  if (text.includes('\\')) throw unsure(text, 'holds a backslash');
  if (/[^\x21-\x7e]/.test(text))
    throw unsure(text, 'holds a space, control or non-ASCII character');
  const query = text.indexOf('?');
  return query < 0
    ? { path: text, search: '' }
    : { path: text.slice(0, query), search: text.slice(query) };
}

/** Bytes that change a path's structure once decoded, or that a proxy may read differently. */
const STRUCTURAL = new Set(['/', '\\', '.', ';', '?', '#', '%']);

/**
 * The path a decoding, slash-merging proxy would hand on: percent-encoded bytes decoded (those
 * that would change the path's structure are refused) and repeated slashes merged.
 */
function normalised(pathname: string): string {
  if (pathname.includes(';')) throw unsure(pathname, 'holds matrix parameters (;)');
  if (pathname.split('/').some((segment) => segment === '.' || segment === '..'))
    throw unsure(pathname, 'holds a dot segment (. or ..)');
  const decoded = pathname.replace(/%(..)?/g, (escape: string, hex: string | undefined) => {
    const code = hex !== undefined && /^[0-9a-f]{2}$/i.test(hex) ? parseInt(hex, 16) : -1;
    if (code < 0x21 || code > 0x7e || STRUCTURAL.has(String.fromCharCode(code)))
      throw unsure(pathname, `holds ${escape}, an encoding the host's router may read apart`);
    return String.fromCharCode(code);
  });
  return decoded.replace(/\/{2,}/g, '/');
}

/**
 * Which surface a path reaches, and the path the gateway enforces and forwards: the mount
 * Express routes the path to as sent, or after a proxy's decoding and slash merging; both
 * readings must agree on one surface (or on none). GraphQL and metadata are enforced on their
 * own paths; REST on the normalised path, its mount in lower case; MCP and exports are refused in every spelling.
 */
export function surfaceOf(pathname: string): { readonly surface: Surface; readonly path: string } {
  const path = normalised(pathname);
  const readings = [expressMount(pathname), expressMount(path)];
  if (readings.includes(undefined)) throw unsure(pathname, 'cannot be read as a path');
  const mounts = new Set(readings.filter((m): m is Mount => m !== undefined && m !== 'none'));
  const trimmed = path.replace(/\/+$/, '') || '/';
  const [mount, other] = [...mounts];
  if (other !== undefined)
    throw unsure(pathname, 'reaches different APIs depending on who reads it');
  if (mount === undefined) return { surface: 'other', path: trimmed };
  const refused = REFUSED[mount];
  if (refused !== undefined)
    throw new Denial('FORBIDDEN', `${trimmed} is not available through the gateway: ${refused}`);
  if (mount === 'graphql') return { surface: 'graphql', path: '/graphql' };
  if (mount === 'metadata') return { surface: 'metadata', path: '/metadata' };
  // Express matched the mount whatever its case: the gateway writes it as Twenty's controller does.
  return { surface: 'rest', path: `/rest${trimmed.slice('/rest'.length)}` };
}

/** Whether a GraphQL document holds a subscription (one that does not parse holds none the host runs). */
export function subscribes(query: string): boolean {
  try {
    return parse(query).definitions.some(
      (d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === OperationTypeNode.SUBSCRIPTION,
    );
  } catch {
    return false;
  }
}
