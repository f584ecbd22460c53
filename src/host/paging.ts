/** Cursor paging over Twenty's connections (`edges { node cursor }`, `pageInfo`), as an iterator. */
import { HOST_BATCH_SIZE } from './batch.js';
import type { HostClient } from './client.js';
import { HostError } from './host-error.js';

export interface Connection<TNode> {
  readonly edges: readonly { readonly node: TNode; readonly cursor?: string | null }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
}

/**
 * Yields every node, fetching page after page from `after = endCursor`. A host that says there
 * is a next page but gives no new cursor would loop forever: that is an error, not a retry.
 */
export async function* allNodes<TNode>(
  operation: string,
  fetchPage: (after: string | undefined) => Promise<Connection<TNode>>,
): AsyncGenerator<TNode, void, undefined> {
  let after: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(after);
    for (const edge of page.edges) yield edge.node;
    if (!page.pageInfo.hasNextPage) return;
    const next = page.pageInfo.endCursor ?? undefined;
    if (next === undefined || seen.has(next)) {
      throw new HostError({
        operation,
        message: `paging stalled: hasNextPage with ${next === undefined ? 'no endCursor' : `a repeated endCursor "${next}"`}`,
      });
    }
    seen.add(next);
    after = next;
  }
}

type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A findMany answer as a connection of plain records; a HostError names what is off. */
function recordConnection(operation: string, value: unknown): Connection<Row> {
  const connection = isRow(value) ? value : undefined;
  const edges = connection?.edges;
  const pageInfo = connection?.pageInfo;
  if (
    !Array.isArray(edges) ||
    !edges.every((edge) => isRow(edge) && isRow(edge.node)) ||
    !isRow(pageInfo) ||
    typeof pageInfo.hasNextPage !== 'boolean'
  ) {
    throw new HostError({
      operation,
      message: 'the host answered a page of records in an unexpected shape',
    });
  }
  return connection as unknown as Connection<Row>;
}

/**
 * Every record a core findMany query returns, page after page. `document` takes `$first` and
 * `$after` (and whatever `variables` adds); `resolver` is the field the records are under.
 * `onPage` hears after each page how many records came so far and, when the document selects
 * the connection's `totalCount`, how many there are (for a progress bar).
 */
export function allRecords(
  client: HostClient,
  options: {
    readonly operation: string;
    readonly document: string;
    readonly resolver: string;
    readonly variables?: Readonly<Record<string, unknown>>;
    readonly pageSize?: number;
    readonly onPage?: (fetched: number, totalCount: number | undefined) => void;
  },
): AsyncGenerator<Row, void, undefined> {
  let fetched = 0;
  return allNodes(options.operation, async (after) => {
    const data = await client.request<Row>(options.document, {
      ...options.variables,
      first: options.pageSize ?? HOST_BATCH_SIZE,
      after,
    });
    const connection = recordConnection(options.operation, data[options.resolver]);
    fetched += connection.edges.length;
    const { totalCount } = connection as { totalCount?: unknown };
    options.onPage?.(fetched, typeof totalCount === 'number' ? totalCount : undefined);
    return connection;
  });
}
