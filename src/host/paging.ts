/** Cursor paging over Twenty's connections (`edges { node cursor }`, `pageInfo`), as an iterator. */
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
