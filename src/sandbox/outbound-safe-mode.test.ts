import { describe, expect, it } from 'vitest';
import {
  cachedLookup,
  DEFAULT_OUTBOUND_CONFIG,
  getIsBlockedIp,
  normalizeAllowedInternalHost,
  outboundConfigFromEnv,
  outboundRefusal,
  type HostLookup,
} from './outbound-safe-mode.js';

/** A private network: compose service names resolve to 172.18.0.x, the rest to a public IP. */
const network: HostLookup = (hostname) => {
  const table: Record<string, string> = {
    tiergate: '172.18.0.5',
    localhost: '127.0.0.1',
    metadata: '169.254.169.254',
    'addon.example.com': '203.0.113.10',
  };
  const address = table[hostname];
  return address === undefined
    ? Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      )
    : Promise.resolve({ address });
};

describe('getIsBlockedIp', () => {
  it('opens private ranges to an allow-listed host but never link-local ones', () => {
    const blocked = getIsBlockedIp('tiergate', ['tiergate']);
    expect(blocked('172.18.0.5')).toBe(false);
    expect(blocked('127.0.0.1')).toBe(false);
    expect(blocked('169.254.169.254')).toBe(true);
    expect(getIsBlockedIp('other', ['tiergate'])('172.18.0.5')).toBe(true);
    expect(getIsBlockedIp('anything', ['*'])('10.0.0.1')).toBe(false);
    expect(getIsBlockedIp('anything', ['*'])('fe80::1')).toBe(true);
  });

  it('matches the host case-insensitively', () => {
    expect(getIsBlockedIp('TierGate', ['tiergate'])('10.0.0.1')).toBe(false);
  });
});

describe('settings from the environment', () => {
  it('has safe mode on by default with no host allowed inside', () => {
    expect(outboundConfigFromEnv({})).toEqual(DEFAULT_OUTBOUND_CONFIG);
  });

  it('reads the allow-list as a comma-separated list of hosts, host:port or URLs', () => {
    expect(
      outboundConfigFromEnv({
        OUTBOUND_HTTP_SAFE_MODE_ENABLED: 'false',
        OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS: 'tiergate, http://Addon:3031/x ,127.0.0.1:9,*',
      }),
    ).toEqual({
      safeModeEnabled: false,
      allowedInternalHosts: ['tiergate', 'addon', '127.0.0.1', '*'],
    });
    expect(normalizeAllowedInternalHost('[::1]:3031')).toBe('::1');
  });

  it('refuses a safe-mode value that is not a boolean, naming the variable', () => {
    expect(() => outboundConfigFromEnv({ OUTBOUND_HTTP_SAFE_MODE_ENABLED: 'maybe' })).toThrow(
      /OUTBOUND_HTTP_SAFE_MODE_ENABLED="maybe" is not a boolean/,
    );
  });
});

describe('outboundRefusal', () => {
  const on = DEFAULT_OUTBOUND_CONFIG;

  it("refuses a loopback IP literal in Twenty's words", async () => {
    expect(await outboundRefusal('http://127.0.0.1:3031/webhooks/twenty', on, network)).toBe(
      'Request to internal IP address 127.0.0.1 is not allowed.',
    );
    expect(await outboundRefusal('http://[::1]:3031/x', on, network)).toBe(
      'Request to internal IP address ::1 is not allowed.',
    );
  });

  it('refuses a name that resolves to a private address, naming the address', async () => {
    expect(await outboundRefusal('http://tiergate:3031/webhooks/twenty', on, network)).toBe(
      'Request to internal IP address 172.18.0.5 is not allowed.',
    );
    expect(await outboundRefusal('http://localhost:3031/', on, network)).toBe(
      'Request to internal IP address 127.0.0.1 is not allowed.',
    );
  });

  it('lets a public target through, and a name that does not resolve (DNS fails it anyway)', async () => {
    expect(await outboundRefusal('https://addon.example.com/x', on, network)).toBeUndefined();
    expect(await outboundRefusal('http://nowhere.test/x', on, network)).toBeUndefined();
  });

  it('allows a private target whose host name is on the allow-list, by name only', async () => {
    const allowed = { safeModeEnabled: true, allowedInternalHosts: ['tiergate', '127.0.0.1'] };
    expect(await outboundRefusal('http://tiergate:3031/x', allowed, network)).toBeUndefined();
    expect(await outboundRefusal('http://127.0.0.1:3031/x', allowed, network)).toBeUndefined();
    // localhost resolves to 127.0.0.1, but the allow-list is matched on the name in the URL.
    expect(await outboundRefusal('http://localhost:3031/x', allowed, network)).toBe(
      'Request to internal IP address 127.0.0.1 is not allowed.',
    );
  });

  it('never lets the allow-list open link-local addresses', async () => {
    const all = { safeModeEnabled: true, allowedInternalHosts: ['*'] };
    expect(await outboundRefusal('http://metadata/latest', all, network)).toBe(
      'Request to internal IP address 169.254.169.254 is not allowed.',
    );
    expect(await outboundRefusal('http://169.254.169.254/', all, network)).toBe(
      'Request to internal IP address 169.254.169.254 is not allowed.',
    );
  });

  it('checks nothing with safe mode off', async () => {
    const off = { safeModeEnabled: false, allowedInternalHosts: [] };
    expect(await outboundRefusal('http://127.0.0.1/x', off, network)).toBeUndefined();
  });
});

describe('cachedLookup', () => {
  it('asks DNS once per host name within its time to live, failures included', async () => {
    let asked = 0;
    const lookup = cachedLookup((name) => {
      asked += 1;
      return name === 'gone.test'
        ? Promise.reject(new Error('ENOTFOUND'))
        : Promise.resolve({ address: '10.0.0.1' });
    });
    await Promise.all([lookup('a.test'), lookup('a.test')]);
    await expect(lookup('gone.test')).rejects.toThrow('ENOTFOUND');
    await expect(lookup('gone.test')).rejects.toThrow('ENOTFOUND');
    expect(asked).toBe(2);
  });
});
