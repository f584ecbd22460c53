/**
 * The one reading of a Twenty webhook body (HOST-CONTRACT.md §A), shared by the intake, which
 * checks a delivery before storing it, and the worker, which reads the stored body again: the
 * event name (`<nameSingular>.<action>`, the action one of `RECORD_ACTIONS`), the object's
 * singular name, the record, the webhook's id and the event date. The intake decodes the body
 * as strict UTF-8 and parses it once, only to read these; what is stored is always the raw body,
 * never re-serialised JSON (RELIABILITY.md §1 d).
 */
import { isRecordAction, type RecordAction } from '../host/webhook/record-actions.js';
import { inboxDedupeKey, recordVersion } from '../store/inbox.js';

export interface WebhookEventFields {
  readonly eventName: string;
  readonly objectName: string;
  readonly action: RecordAction;
  readonly recordId: string;
  readonly webhookId: string;
  readonly eventDate: string;
  readonly dedupeKey: string;
  /** The record's version (`updatedAt`, and `deletedAt` if set), shared with the sweep's. */
  readonly recordVersion: string | null;
}

/**
 * A webhook body read: its fields, the record it carries, Twenty's `updatedFields`, and the
 * `workspaceMemberId` of the member whose call made the change (the event's, from the call's auth
 * context: `format-twenty-orm-event-to-database-batch-event.util.ts`, copied to the body by
 * `transform-event-batch-to-webhook-events.ts`; absent when no member called: an API key, a
 * workflow, the system).
 */
export interface WebhookEvent {
  readonly fields: WebhookEventFields;
  readonly record: Readonly<Record<string, unknown>>;
  readonly updatedFields?: readonly string[];
  readonly workspaceMemberId?: string;
}

export type ReadWebhook =
  ({ readonly ok: true } & WebhookEvent) | { readonly ok: false; readonly message: string };

export type ParsedWebhook =
  | { readonly ok: true; readonly text: string; readonly fields: WebhookEventFields }
  | {
      readonly ok: false;
      readonly status: 400 | 422;
      readonly error: 'bad-encoding' | 'bad-json' | 'invalid-event';
      readonly message: string;
    };

const EVENT_NAME = /^([A-Za-z][A-Za-z0-9_]*)\.([a-z]+)$/;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= 512;
}

/** Decodes, parses and checks a webhook body; never throws. */
export function parseWebhook(raw: Uint8Array): ParsedWebhook {
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    return { ok: false, status: 400, error: 'bad-encoding', message: 'body is not valid UTF-8' };
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    return {
      ok: false,
      status: 400,
      error: 'bad-json',
      message: `body is not JSON: ${(error as Error).message}`,
    };
  }
  const read = readWebhook(body);
  if (!read.ok) return { ok: false, status: 422, error: 'invalid-event', message: read.message };
  return { ok: true, text, fields: read.fields };
}

/** Checks and reads an already parsed webhook body; never throws. */
export function readWebhook(body: unknown): ReadWebhook {
  const invalid = (message: string): ReadWebhook => ({ ok: false, message });
  if (!isObject(body)) return invalid('body is not a JSON object');
  const { eventName, objectMetadata, record, webhookId, eventDate, updatedFields } = body;
  const { workspaceMemberId } = body;
  if (!nonEmptyString(eventName)) return invalid('eventName is missing or not a string');
  const name = EVENT_NAME.exec(eventName);
  const action = name?.[2] ?? '';
  if (name === null || !isRecordAction(action))
    return invalid(`eventName "${eventName.slice(0, 64)}" is not <object>.<action>`);
  if (!isObject(objectMetadata) || !nonEmptyString(objectMetadata.nameSingular))
    return invalid('objectMetadata.nameSingular is missing or not a string');
  const objectName = objectMetadata.nameSingular;
  if (objectName !== name[1])
    return invalid(
      `eventName "${eventName}" does not name objectMetadata.nameSingular "${objectName}"`,
    );
  if (!isObject(record) || !nonEmptyString(record.id))
    return invalid('record.id is missing or not a string');
  if (!nonEmptyString(webhookId)) return invalid('webhookId is missing or not a string');
  if (!nonEmptyString(eventDate) || Number.isNaN(Date.parse(eventDate)))
    return invalid('eventDate is missing or not a date');
  const recordId = record.id;
  return {
    ok: true,
    fields: {
      eventName,
      objectName,
      action,
      recordId,
      webhookId,
      eventDate,
      dedupeKey: inboxDedupeKey({ webhookId, eventName, recordId, eventDate }),
      recordVersion: recordVersion(record),
    },
    record,
    ...(Array.isArray(updatedFields)
      ? { updatedFields: updatedFields.filter((f): f is string => typeof f === 'string') }
      : {}),
    // Anything but an id (null, a number) names no member; refusing the body would lose the change.
    ...(nonEmptyString(workspaceMemberId) ? { workspaceMemberId } : {}),
  };
}
