import { describe, expect, it } from 'vitest';
import type { ParsedArgs } from './command.js';
import type { CliIo } from './io.js';
import { sandboxOutbound } from './sandbox-outbound.js';

const io = (env: Record<string, string> = {}): CliIo => ({
  stdout: { write: () => undefined },
  stderr: { write: () => undefined },
  cwd: '/',
  env,
});
const args = (values: Record<string, string> = {}): ParsedArgs => ({ values, positionals: [] });

describe('sandboxOutbound', () => {
  it("has Twenty's defaults on both processes: safe mode on, nothing allowed inside", () => {
    const { settings, allowedForDemo } = sandboxOutbound(args(), io());
    expect(settings.server).toEqual({ safeModeEnabled: true, allowedInternalHosts: [] });
    expect(settings.worker).toEqual({ safeModeEnabled: true, allowedInternalHosts: [] });
    expect(allowedForDemo).toBeUndefined();
  });

  it('reads the shared environment for both, and the flags for one process each', () => {
    const { settings } = sandboxOutbound(
      args({ 'worker-allowed-internal-hosts': '' }),
      io({ OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS: 'tiergate' }),
    );
    expect(settings.server.allowedInternalHosts).toEqual(['tiergate']);
    expect(settings.worker.allowedInternalHosts).toEqual([]);
    const off = sandboxOutbound(args({ 'outbound-safe-mode': 'off' }), io());
    expect(off.settings.worker.safeModeEnabled).toBe(false);
  });

  it("allows the demo add-on's host on both when nothing is set, and not when something is", () => {
    const demo = sandboxOutbound(args(), io(), '127.0.0.1');
    expect(demo.allowedForDemo).toBe('127.0.0.1');
    expect(demo.settings.worker.allowedInternalHosts).toEqual(['127.0.0.1']);
    expect(demo.settings.server.allowedInternalHosts).toEqual(['127.0.0.1']);
    const chosen = sandboxOutbound(
      args({ 'server-allowed-internal-hosts': '127.0.0.1' }),
      io(),
      '127.0.0.1',
    );
    expect(chosen.allowedForDemo).toBeUndefined();
    expect(chosen.settings.worker.allowedInternalHosts).toEqual([]);
  });

  it('refuses a safe-mode value other than on or off', () => {
    expect(() => sandboxOutbound(args({ 'outbound-safe-mode': 'maybe' }), io())).toThrow(
      'usage: --outbound-safe-mode takes on or off, not "maybe"',
    );
    expect(() => sandboxOutbound(args(), io({ OUTBOUND_HTTP_SAFE_MODE_ENABLED: 'x' }))).toThrow(
      /usage: OUTBOUND_HTTP_SAFE_MODE_ENABLED="x" is not a boolean/,
    );
  });
});
