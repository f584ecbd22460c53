/**
 * The host contract against a live Twenty (`npm run test:contract:live`): TWENTY_URL,
 * TWENTY_API_KEY and TWENTY_ADMIN_TOKEN say where and as whom. Missing ones fail the run before
 * any test, naming each and how to get it. Tests needing a sandbox-only fixture are skipped by
 * declaration, and the run lists them, with why, before the first test.
 */
import { beforeAll } from 'vitest';
import { describeHostContract } from './host.contract.js';
import {
  CAPABILITY_REASONS,
  type Capability,
  liveHostOpener,
  unreachableReceiver,
} from './harness.js';
import { liveTargetFrom } from './live-target.js';

const target = liveTargetFrom(process.env);
const hosts = liveHostOpener(target);

describeHostContract(
  `host contract against the live Twenty at ${target.url}`,
  hosts,
  unreachableReceiver,
);

// Suites are collected after this module runs: the list is complete once the first hook runs.
beforeAll(() => {
  const unchecked = hosts.unchecked();
  const byCapability = new Map<Capability, string[]>();
  for (const test of unchecked) {
    for (const capability of test.missing) {
      byCapability.set(capability, [...(byCapability.get(capability) ?? []), test.name]);
    }
  }
  process.stdout.write(
    [
      `Live host contract at ${target.url}: ${unchecked.length} behaviour(s) cannot be checked here.`,
      ...[...byCapability].map(
        ([capability, names]) =>
          `  needs ${capability}: ${CAPABILITY_REASONS[capability]}\n` +
          names.map((n) => `    - ${n}`).join('\n'),
      ),
      '',
    ].join('\n'),
  );
});
