/**
 * Writes racing a change made by someone else: the admin changes a deal directly on the host,
 * right after the host answered the gateway's read of it (through the fixture's tap).
 */
import { expect } from 'vitest';
import type { GatewayFixture } from '../testing/gateway.test-support.js';
import type { TapCall } from '../testing/host-tap.test-support.js';

/** Changes a deal directly on the host with the admin's key. */
export async function adminUpdateDeal(
  fx: GatewayFixture,
  id: string,
  data: Record<string, unknown>,
): Promise<void> {
  const answer = await fx.graphql(
    fx.sandbox.adminKey,
    {
      query:
        'mutation($id: UUID!, $d: OpportunityUpdateInput!) { updateOpportunity(id: $id, data: $d) { id } }',
      variables: { id, d: data },
    },
    true,
  );
  expect(answer.body.errors).toBeUndefined();
}

/**
 * Runs `change` once, right after the host answered the gateway's read of the record; the
 * returned function tells whether it ran.
 */
export function betweenReadAndWrite(
  fx: GatewayFixture,
  change: () => Promise<void>,
): () => boolean {
  let done = false;
  const tap = fx.tap;
  if (!tap) throw new Error('the fixture has no tap');
  tap.after = async (call: TapCall) => {
    if (done || !call.body.includes('TiergateWriteCheck')) return;
    done = true;
    await change();
  };
  return () => done;
}
