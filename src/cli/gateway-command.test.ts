/**
 * `tiergate gateway`, in-process, in front of a running sandbox: usage errors, and a run that
 * enforces a member's scope, journals a refusal and stops on its signal.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../policy/engine.js';
import { DEMO_POLICY } from '../gateway/testing/gateway.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer } from '../sandbox/server.js';
import { gatewayCommand } from './commands/gateway.js';
import { runCli, runUntilStopped } from './run.test-support.js';

const POLICY_FILE = fileURLToPath(
  new URL('../../examples/demo/tiergate.policy.yaml', import.meta.url),
);

function runGateway(cwd: string, argv: string[]) {
  const run = runUntilStopped(gatewayCommand, cwd, {}, argv, /gateway on (http:\/\/\S+)/);
  return { ...run, err: () => run.output().err };
}

describe('tiergate gateway', () => {
  it('refuses arguments and a port that is not one, before it starts anything', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-gateway-'));
    const extra = runGateway(cwd, ['extra']);
    expect(await extra.done).toBe(64);
    expect(extra.err()).toContain('gateway takes no arguments');
    const port = runGateway(cwd, ['--port', 'eighty']);
    expect(await port.done).toBe(64);
    expect(port.err()).toContain('--port takes a port number');
  });

  it('enforces the policy for a member, journals the refusal, and stops on its signal', async () => {
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: { companies: 40, people: 40, opportunities: 40 },
      adminKey: 'gateway-cli-admin',
    });
    const host = await startSandboxServer(sandbox.serverOptions);
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-gateway-'));
    const run = runGateway(cwd, [
      '--policy',
      POLICY_FILE,
      '--host',
      host.url,
      '--api-key',
      sandbox.adminKey,
      '--port',
      '0',
    ]);
    try {
      const url = await run.ready;
      const intern = DEMO_POLICY.org.members.find(
        (m) => m.role === 'sales-rep' && m.tier === 'intern',
      );
      const token = sandbox.state().members.find((m) => m.id === intern?.id)?.token ?? '';
      const ask = (query: string) =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        }));
      const read = await ask('{ companies { edges { node { id } } } }');
      const engine = compilePolicy(DEMO_POLICY);
      const allowed = Object.values(sandbox.state().records.company ?? {}).filter(
        (record) =>
          engine.decide({ member: intern?.id ?? '', object: 'company', action: 'read', record })
            .effect === 'allow',
      );
      const edges = (read.body.data as { companies: { edges: unknown[] } }).companies.edges;
      expect(edges).toHaveLength(allowed.length);
      expect(allowed.length).toBeLessThan(40);
      const refused = await ask(
        '{ companies(filter: { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { totalCount } }',
      );
      expect(refused.status).toBe(403);
    } finally {
      run.stop();
    }
    expect(await run.done).toBe(0);
    await host.close();
    expect(run.err()).toContain('Tiergate gateway stopped.');
    const log = await runCli(cwd, 'audit', 'log');
    expect(log.out).toContain('gateway.denied');
    expect(log.out).toContain('annualRecurringRevenue');
  }, 60_000);
});
