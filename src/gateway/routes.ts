/**
 * Which of the host's surfaces a request reaches, judged as leniently as Twenty routes it, and
 * the paths refused outright because they carry records past the policy.
 */
import { Kind, OperationTypeNode, parse } from 'graphql';
import { Denial } from './graphql/denial.js';

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
  const query = text.indexOf('?');
  return query < 0
    ? { path: text, search: '' }
    : { path: text.slice(0, query), search: text.slice(query) };
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

/** Paths that carry records past the policy and are not enforced: refused, not passed on. */
const REFUSED_PREFIXES: readonly { readonly prefix: string; readonly why: string }[] = [
  { prefix: '/mcp', why: "Twenty's MCP server reads records past the policy" },
  {
    prefix: '/file/record-export',
    why: "Twenty's CSV export holds every record the member's Twenty role reads, past the policy",
  },
];

const under = (folded: string, prefix: string): boolean =>
  folded === prefix || folded.startsWith(`${prefix}/`);

export type Surface = 'graphql' | 'rest' | 'metadata' | 'other';

/**
 * Which surface a path reaches, judged as leniently as Twenty's server routes it: Express
 * mounts GraphQL with `app.use('/graphql')`, which matches case-insensitively and any path
 * below it, and a proxy in between may decode and merge slashes. So every spelling of
 * /graphql, /rest and /metadata is recognised, and `path` is the decoded, slash-merged path the
 * gateway enforces and forwards. A path that carries records unenforced is refused here.
 */
export function surfaceOf(pathname: string): { readonly surface: Surface; readonly path: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new Denial('BAD_USER_INPUT', `The path ${pathname} is not valid percent-encoding`);
  }
  const path = decoded.replace(/[\\/]{2,}/g, '/').replace(/\/+$/, '') || '/';
  const folded = path.toLowerCase();
  if (under(folded, '/graphql')) return { surface: 'graphql', path: '/graphql' };
  if (under(folded, '/rest')) return { surface: 'rest', path };
  if (under(folded, '/metadata')) return { surface: 'metadata', path: '/metadata' };
  for (const refused of REFUSED_PREFIXES)
    if (under(folded, refused.prefix))
      throw new Denial('FORBIDDEN', `${path} is not available through the gateway: ${refused.why}`);
  return { surface: 'other', path };
}
