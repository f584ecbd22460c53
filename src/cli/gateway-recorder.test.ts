/** The gateway's journal recorder: refusals and step-ups in batches, an overflow counted. */
import { describe, expect, it } from 'vitest';
import type { JournalDraft } from '../audit/journal.js';
import { DenialRecorder } from './commands/gateway.js';

function sink() {
  const batches: JournalDraft[][] = [];
  return {
    batches,
    append: (drafts: readonly JournalDraft[]) => {
      batches.push([...drafts]);
      return Promise.resolve();
    },
  };
}

const quiet = { stderr: { write: () => undefined } };

describe('DenialRecorder', () => {
  it('journals each refusal under its member and each step-up, together in one batch', async () => {
    const journal = sink();
    const recorder = new DenialRecorder(journal, quiet);
    recorder.record({
      member: 'm-1',
      code: 'FORBIDDEN',
      message: 'Permission denied: read on company',
      object: 'company',
    });
    recorder.stepUp({ member: 'm-2', elevatedUntil: new Date('2026-11-29T10:10:00.000Z') });
    await recorder.close();
    expect(journal.batches).toEqual([
      [
        {
          actor: 'm-1',
          action: 'gateway.denied',
          target: 'company',
          reason: 'FORBIDDEN: Permission denied: read on company',
        },
        {
          actor: 'm-2',
          action: 'gateway.step-up',
          target: 'member:m-2',
          after: { elevatedUntil: '2026-11-29T10:10:00.000Z' },
          reason: 'TOTP code confirmed; export limit lifted',
        },
      ],
    ]);
  });

  it('counts refusals beyond its queue in one entry instead of growing without bound', async () => {
    const journal = sink();
    const recorder = new DenialRecorder(journal, quiet, 2);
    for (let i = 0; i < 5; i++)
      recorder.record({ member: undefined, code: 'UNAUTHENTICATED', message: 'no token' });
    await recorder.close();
    const drafts = journal.batches.flat();
    expect(drafts).toHaveLength(3);
    expect(drafts[2]).toMatchObject({
      action: 'gateway.denied.overflow',
      reason: '3 more refusals arrived faster than the journal could take them',
    });
    expect(drafts[0]).toMatchObject({ actor: 'anonymous', target: 'request' });
  });

  it('says on standard error when the journal cannot take a batch, and goes on', async () => {
    let said = '';
    const recorder = new DenialRecorder(
      { append: () => Promise.reject(new Error('store is down')) },
      { stderr: { write: (text: string) => (said += text) } },
    );
    recorder.record({ member: 'm-1', code: 'FORBIDDEN', message: 'x' });
    await recorder.close();
    expect(said).toBe('could not journal 1 refusals: store is down\n');
  });
});
