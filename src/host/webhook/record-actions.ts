/**
 * The record-event actions Twenty's webhooks carry, as `<nameSingular>.<action>`: the one list
 * the manifest's operations, the intake, the worker and the watchdog read.
 *
 * Twenty enqueues webhook calls from `entity-events-to-db.listener.ts`
 * (`engine/api/graphql/workspace-query-runner/listeners/`), which listens to CREATED, UPDATED,
 * DELETED, RESTORED and DESTROYED batch events only. Its `DatabaseEventAction` enum
 * (`engine/api/graphql/graphql-query-runner/enums/database-event-action.ts`) also has UPSERTED,
 * emitted by the ORM's upsert for workflow triggers, never for webhooks: an API upsert sends
 * `created` or `updated` (docs/host-fidelity.md §5).
 */
export const RECORD_ACTIONS = ['created', 'updated', 'deleted', 'destroyed', 'restored'] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

export function isRecordAction(value: string): value is RecordAction {
  return (RECORD_ACTIONS as readonly string[]).includes(value);
}
