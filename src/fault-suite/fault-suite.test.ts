/**
 * The fault suite, quick: a small seeded stream by three members with one SIGKILL of serve, one
 * host outage and one round of dropped database connections, then a sweep; the journal must
 * hold every change once and nothing else, and the host's audit object the journal. Runs
 * `tiergate serve` from dist/ (npm test builds it first) on PostgreSQL. The long run with more
 * members and faults is `npm run fault-suite`.
 */
import { describe, expect, it } from 'vitest';
import { runFaultSuite, type FaultSuiteResult } from './fault-suite.js';
import { formatReport } from './report.js';

function explain(result: FaultSuiteResult): string {
  return [
    formatReport(result.report, result.names),
    ...(result.notQuiescent === undefined ? [] : [`not quiescent: ${result.notQuiescent}`]),
    `faults: ${result.faults.join('; ')}`,
    ...(result.crashes.length > 0 ? [`serve crashed: ${result.crashes.join('; ')}`] : []),
    `webhooks of changes not answered 2xx: ${result.undelivered}`,
    ...result.lostHistory.map((line) => `inbox of a lost change's record: ${line}`),
    ...(result.refused.length > 0
      ? [`writes refused: ${result.refused.slice(0, 3).join('; ')}`]
      : []),
    `serve's last lines:\n${result.serveTail}`,
  ].join('\n');
}

describe('the journal under faults', () => {
  it('holds every change made once and nothing else, and the host holds the journal, across a SIGKILL, a host outage and dropped connections', async () => {
    const result = await runFaultSuite({
      seed: 20261207,
      members: 3,
      operations: 90,
      kills: 1,
      outages: 1,
      drops: 1,
      outageMs: 8_000,
      opsWhileDown: 8,
      // Longer than the inbox lease (60 s) that a SIGKILLed serve leaves on its events.
      quiescenceTimeoutMs: 70_000,
      sweepQuiescenceTimeoutMs: 30_000,
    });
    const text = explain(result);
    // The run did what it claims: faults injected, changes made, some webhooks lost to the kill.
    expect(result.faults, text).toHaveLength(3);
    expect(result.report.journal.changes, text).toBeGreaterThan(60);
    expect(result.undelivered, text).toBeGreaterThan(0);
    expect(result.refused, text).toEqual([]);
    expect(
      {
        quiescent: result.notQuiescent ?? 'yes',
        serveCrashes: result.crashes.length,
        journalLost: result.report.journal.lost.length,
        journalDuplicated: result.report.journal.duplicated.length,
        journalFalse: result.report.journal.false.length,
        hostLost: result.report.host.lost.length,
        hostDuplicated: result.report.host.duplicated.length,
        hostFalse: result.report.host.false.length,
      },
      text,
    ).toEqual({
      quiescent: 'yes',
      serveCrashes: 0,
      journalLost: 0,
      journalDuplicated: 0,
      journalFalse: 0,
      hostLost: 0,
      hostDuplicated: 0,
      hostFalse: 0,
    });
  }, 240_000);
});
