/** Writes in batches: Twenty accepts at most 60 records per create or update call. */
export const HOST_BATCH_SIZE = 60;

export function chunks<T>(items: readonly T[], size = HOST_BATCH_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a whole number >= 1, got ${size}`);
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * Sends the items batch by batch, in order, and returns the results in the same order. A failed
 * batch stops the run: `done` on the error says how many items were written before it.
 */
export async function inBatches<T, R>(
  items: readonly T[],
  write: (batch: T[]) => Promise<readonly R[]>,
  onProgress?: (done: number, total: number) => void,
  size = HOST_BATCH_SIZE,
): Promise<R[]> {
  const results: R[] = [];
  let done = 0;
  for (const batch of chunks(items, size)) {
    try {
      results.push(...(await write(batch)));
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { done });
    }
    done += batch.length;
    onProgress?.(done, items.length);
  }
  return results;
}
