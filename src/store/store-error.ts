/** The store's one error type: a bad URL, a server out of reach, a failed migration, a refused write. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
