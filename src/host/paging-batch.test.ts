import { describe, expect, it } from 'vitest';
import { chunks, HOST_BATCH_SIZE, inBatches } from './batch.js';
import { HostError } from './host-error.js';
import { allNodes, type Connection } from './paging.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from './retry.js';

const page = (ids: string[], next?: string): Connection<{ id: string }> => ({
  edges: ids.map((id) => ({ node: { id }, cursor: id })),
  pageInfo: { hasNextPage: next !== undefined, endCursor: next ?? null },
});

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('allNodes', () => {
  it('follows endCursor from page to page until hasNextPage is false', async () => {
    const asked: (string | undefined)[] = [];
    const pages: Record<string, Connection<{ id: string }>> = {
      start: page(['a', 'b'], 'c1'),
      c1: page(['c'], 'c2'),
      c2: page(['d']),
    };
    const nodes = await collect(
      allNodes('People', (after) => {
        asked.push(after);
        return Promise.resolve(pages[after ?? 'start'] ?? page([]));
      }),
    );
    expect(nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(asked).toEqual([undefined, 'c1', 'c2']);
  });

  it('stops with a HostError when the host repeats a cursor instead of looping forever', async () => {
    const iterator = allNodes('People', () => Promise.resolve(page(['a'], 'same')));
    await expect(collect(iterator)).rejects.toThrow(
      new HostError({
        operation: 'People',
        message: 'paging stalled: hasNextPage with a repeated endCursor "same"',
      }),
    );
  });

  it('stops with a HostError when a next page has no cursor', async () => {
    const iterator = allNodes('People', () =>
      Promise.resolve({ edges: [], pageInfo: { hasNextPage: true, endCursor: null } }),
    );
    await expect(collect(iterator)).rejects.toThrow(
      /paging stalled: hasNextPage with no endCursor/,
    );
  });
});

describe('batches', () => {
  it('split writes into the host limit of 60 records', () => {
    const sizes = chunks(Array.from({ length: 130 }, (_, i) => i)).map((c) => c.length);
    expect(HOST_BATCH_SIZE).toBe(60);
    expect(sizes).toEqual([60, 60, 10]);
  });

  it('write in order, report progress, and say how much was written when one fails', async () => {
    const progress: number[] = [];
    const items = Array.from({ length: 150 }, (_, i) => i);
    const written = await inBatches(
      items,
      (b) => Promise.resolve(b.map((x) => x * 2)),
      (done) => progress.push(done),
    );
    expect(written).toEqual(items.map((x) => x * 2));
    expect(progress).toEqual([60, 120, 150]);
    let calls = 0;
    const failing = inBatches(items, (b) =>
      ++calls === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(b),
    );
    await expect(failing).rejects.toMatchObject({ message: 'boom', done: 60 });
  });

  it('refuse a batch size that is not a whole number of at least one', () => {
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('draws a delay below a ceiling that doubles per attempt up to the maximum', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(1, DEFAULT_RETRY, top)).toBe(249);
    expect(backoffDelay(3, DEFAULT_RETRY, top)).toBe(999);
    expect(backoffDelay(20, DEFAULT_RETRY, top)).toBe(29_999);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});
