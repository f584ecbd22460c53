/**
 * Several writes in one document. Twenty runs a mutation's root fields one after the other,
 * but the gateway reads and judges every record the document writes before it forwards the
 * document, so a write is judged against the record as it was before the request. That holds
 * only while no earlier write of the same document changes what a later one is judged on.
 *
 * The rule, simple and sound: a document may not write the same record twice (two fields
 * naming one id, whatever the method: create with that id, update, delete, destroy, restore,
 * merge), and a write that picks its records by a filter (the *Many mutations) or by a unique
 * field (an upsert item without an id) may not share its document with any other write of the
 * same object, since the gateway cannot tell which records it reaches. The refusal says how to
 * split the request: each write in its own request, after the previous one has answered.
 */
import { Denial } from '../core/denial.js';
import { isJsonObject } from '../core/json.js';

/** What one root field of a mutation writes. */
export interface WriteTouch {
  readonly object: string;
  /** The response key (fields under one key are one field to GraphQL: they run once). */
  readonly key: string;
  /** The root field's name, for the refusal. */
  readonly field: string;
  /** The record ids it names; `reach` when it picks records by a filter or a unique field. */
  readonly ids: readonly string[] | 'reach';
}

function splitAdvice(first: WriteTouch, second: WriteTouch): string {
  return `send ${first.field} and ${second.field} as separate requests, the second once the first has answered`;
}

/** Throws a Denial when two writes of one document may touch the same record. */
export function checkWriteSequence(touches: readonly WriteTouch[]): void {
  const byKey = new Map<string, WriteTouch>();
  for (const touch of touches) if (!byKey.has(touch.key)) byKey.set(touch.key, touch);
  const unique = [...byKey.values()];
  for (const [index, first] of unique.entries()) {
    for (const second of unique.slice(index + 1)) {
      if (first.object !== second.object) continue;
      if (first.ids === 'reach' || second.ids === 'reach')
        throw new Denial(
          'BAD_USER_INPUT',
          `This request writes ${first.object} records more than once, and ${first.ids === 'reach' ? first.field : second.field} picks its records by a filter or a unique field, so each write could not be checked against what the others leave: ${splitAdvice(first, second)}`,
          { object: first.object },
        );
      const shared = first.ids.find((id) => (second.ids as readonly string[]).includes(id));
      if (shared !== undefined)
        throw new Denial(
          'BAD_USER_INPUT',
          `This request writes ${first.object} ${shared} twice (${first.field} and ${second.field}); each write is checked against the record as it is before the request, so ${splitAdvice(first, second)}`,
          { object: first.object, id: shared },
        );
    }
  }
}

const ONE = new Set(['updateOne', 'deleteOne', 'destroyOne', 'restoreOne']);
const BY_FILTER = new Set(['updateMany', 'deleteMany', 'destroyMany', 'restoreMany']);

/** What a root field of `method` writes, from its arguments; undefined for a read. */
export function touchOf(
  method: string,
  object: string,
  key: string,
  field: string,
  arg: (name: string) => unknown,
): WriteTouch | undefined {
  const touch = (ids: readonly string[] | 'reach'): WriteTouch => ({ object, key, field, ids });
  if (BY_FILTER.has(method)) return touch('reach');
  if (ONE.has(method)) {
    const id = arg('id');
    return touch(typeof id === 'string' ? [id] : 'reach');
  }
  if (method === 'mergeMany') {
    const ids = arg('ids');
    return touch(Array.isArray(ids) ? ids.map(String) : 'reach');
  }
  if (method !== 'createOne' && method !== 'createMany') return undefined;
  const data = arg('data');
  const items = Array.isArray(data) ? data : [data];
  // An upsert item without an id matches an existing record by a unique field (a domain).
  if (
    arg('upsert') === true &&
    items.some((item) => !isJsonObject(item) || typeof item.id !== 'string')
  )
    return touch('reach');
  return touch(
    items.filter(isJsonObject).flatMap((item) => (typeof item.id === 'string' ? [item.id] : [])),
  );
}
