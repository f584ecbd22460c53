/**
 * Contract: Twenty's API rate limit (twentyhq/twenty `packages/twenty-server/src/engine/
 * core-modules/throttler/throttler.service.ts`, applied per workspace to API keys in
 * `engine/api/common/common-query-runners/common-base-query-runner.service.ts`): past the limit
 * a core call is refused with `Limit reached (<limit> tokens per <ttl> ms)`, code BAD_USER_INPUT
 * and subCode LIMIT_REACHED, and Tiergate's client waits it out instead of failing.
 *
 * The sandbox is set to a low limit here (as an operator sets API_RATE_LIMITING_*), so the
 * tests take a second or two, not Twenty's default minute.
 */
import { afterEach, describe, expect } from 'vitest';
import { HostClient } from '../../src/host/client.js';
import { allRecords } from '../../src/host/paging.js';
import type { SandboxRateLimitSettings } from '../../src/sandbox/rate-limit.js';
import {
  CONTRACT_COUNTS,
  failure,
  type Host,
  type HostEndpoints,
  type HostOpener,
} from './harness.js';

const COMPANIES = `query RateCompanies($first: Int, $after: String) {
  companies(first: $first, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export function rateContract(hosts: HostOpener): void {
  describe("Twenty's API rate limit", () => {
    // Each test sets the host's own limit low, which only a sandbox made for it allows.
    const { it } = hosts.needs('freshHost', 'sandboxState', 'memberTokens', 'seed');
    const owned: HostEndpoints[] = [];
    afterEach(async () => {
      await Promise.all(owned.splice(0).map((endpoints) => endpoints.close()));
    });

    /** A fresh host with its limit set, and its endpoints for clients of the test's own. */
    async function limitedHost(
      settings: SandboxRateLimitSettings,
    ): Promise<{ host: Host; endpoints: HostEndpoints }> {
      const host = await hosts.open();
      const [endpoints] = hosts.adopt();
      if (endpoints === undefined) throw new Error('the opener gave no endpoints');
      owned.push(endpoints);
      const throttler = host.sandbox.serverOptions.throttler;
      if (throttler === undefined) throw new Error('the sandbox applies no rate limit');
      throttler.reconfigure(settings);
      return { host, endpoints };
    }

    it('refuses an API key past the limit with the bucket it ran out of; a member is not counted', async () => {
      const { host, endpoints } = await limitedHost({
        short: { limit: 100, ttlMs: 1000 },
        long: { limit: 3, ttlMs: 60_000 },
      });
      const impatient = new HostClient({
        url: endpoints.coreUrl,
        token: host.sandbox.adminKey,
        retry: { attempts: 1, rateLimitedRetries: 0 },
      });
      const member = new HostClient({
        url: endpoints.coreUrl,
        token: host.member().token,
        retry: { attempts: 1, rateLimitedRetries: 0 },
      });
      for (let i = 0; i < 3; i++) await impatient.request(COMPANIES, { first: 1 });
      const refused = await failure(impatient.request(COMPANIES, { first: 1 }));
      expect(refused.status).toBe(200);
      expect(refused.has('BAD_USER_INPUT')).toBe(true);
      expect(refused.has('LIMIT_REACHED')).toBe(true);
      expect(refused.retryable).toBe(true);
      expect(refused.message).toContain('(Limit reached (3 tokens per 60000 ms))');
      for (let i = 0; i < 5; i++) await member.request(COMPANIES, { first: 1 });
    });

    it('lets Tiergate read every record of a long read under the limit without failing', async () => {
      const { host, endpoints } = await limitedHost({
        short: { limit: 3, ttlMs: 300 },
        long: { limit: 1_000_000, ttlMs: 60_000 },
      });
      // Configured faster than the host allows: the refusals teach it the host's pace.
      const client = new HostClient({
        url: endpoints.coreUrl,
        token: host.sandbox.adminKey,
        rateLimit: { requests: 10_000, windowMs: 1000 },
      });
      const ids: unknown[] = [];
      for await (const company of allRecords(client, {
        operation: 'RateCompanies',
        document: COMPANIES,
        resolver: 'companies',
        pageSize: 1,
      }))
        ids.push(company.id);
      expect(ids).toHaveLength(CONTRACT_COUNTS.companies);
      expect(client.rateLimits).toContainEqual({ requests: 3, windowMs: 300 });
    });
  });
}
