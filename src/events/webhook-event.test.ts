/** The one reading of a webhook body: what the intake takes, the worker reads the same way. */
import { describe, expect, it } from 'vitest';
import { RECORD_ACTIONS } from '../host/webhook/record-actions.js';
import { SWEEP_WEBHOOK_ID as INBOX_SWEEP_ID, type InboxEvent } from '../store/inbox.js';
import { SWEEP_WEBHOOK_ID } from './sweep.js';
import { WEBHOOK_ACTIONS } from '../twenty-app/manifest.js';
import { parseWebhook } from './webhook-event.js';
import { recordEventOf, UnreadableEvent } from './worker.js';
import { RECORD_ACTIONS as WATCHDOG_ACTIONS } from './watchdog.js';

const body = (eventName: string, extra: object = {}): string =>
  JSON.stringify({
    eventName,
    objectMetadata: { id: 'o', nameSingular: eventName.split('.')[0] },
    webhookId: 'wh-1',
    eventDate: '2026-03-01T12:00:00.000Z',
    record: { id: 'c-1', updatedAt: '2026-03-01T12:00:00.000Z' },
    ...extra,
  });

const stored = (text: string): InboxEvent => ({
  id: 7,
  receivedAt: new Date(0),
  bodySha256: '',
  dedupeKey: '',
  eventName: '',
  objectName: 'company',
  recordId: 'c-1',
  recordVersion: null,
  body: text,
  status: 'processing',
  attempts: 1,
  nextAttemptAt: new Date(0),
  lastError: null,
  lockedBy: null,
  lockedUntil: null,
});

describe('one reading of a webhook', () => {
  it('is read by the worker exactly when the intake takes it, with the same reason', () => {
    const bodies = [
      ...RECORD_ACTIONS.map((action) => body(`company.${action}`)),
      body('company.upserted'),
      body('company.merged'),
      body('company'),
      body('company.created', { objectMetadata: { nameSingular: 'person' } }),
      body('company.created', { record: { name: 'no id' } }),
      body('company.created', { webhookId: '' }),
      body('company.created', { eventDate: 'yesterday' }),
    ];
    for (const text of bodies) {
      const intake = parseWebhook(new TextEncoder().encode(text));
      let worker: string | undefined;
      try {
        recordEventOf(stored(text));
      } catch (error) {
        expect(error).toBeInstanceOf(UnreadableEvent);
        worker = (error as Error).message;
      }
      if (intake.ok) expect(worker).toBeUndefined();
      else expect(worker).toBe(`inbox event 7: ${intake.message}`);
    }
  });

  it('passes on the member whose call made the change, from the body, and none for the sweep', () => {
    const member = (text: string) => recordEventOf(stored(text)).workspaceMemberId;
    const by = { userId: 'u-1', workspaceMemberId: 'wm-1' };
    expect(member(body('company.deleted', by))).toBe('wm-1');
    expect(member(body('company.deleted'))).toBeUndefined();
    // Anything but an id names nobody, and does not cost the change its journal entry.
    expect(member(body('company.deleted', { workspaceMemberId: null }))).toBeUndefined();
    expect(member(body('company.deleted', { workspaceMemberId: 7 }))).toBeUndefined();
    expect(member(body('company.deleted', { ...by, webhookId: SWEEP_WEBHOOK_ID }))).toBeUndefined();
  });

  it("tells the sweep's readings apart by the webhook id the sweep gives them", () => {
    expect(INBOX_SWEEP_ID).toBe(SWEEP_WEBHOOK_ID);
  });

  it('has one list of actions, those Twenty sends: never upserted', () => {
    expect(RECORD_ACTIONS).toEqual(['created', 'updated', 'deleted', 'destroyed', 'restored']);
    expect(WEBHOOK_ACTIONS).toBe(RECORD_ACTIONS);
    expect(WATCHDOG_ACTIONS).toBe(RECORD_ACTIONS);
  });
});
