import { describe, expect, it } from 'vitest';
import { isPrivateIp } from './outbound-rules.js';

describe('isPrivateIp (get-is-blocked-ip.util.ts, is-private-ip.util.ts)', () => {
  it('blocks loopback, private, this-network and link-local IPv4 and IPv6 ranges', () => {
    for (const address of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '0.0.0.0',
      '169.254.169.254',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ])
      expect(isPrivateIp(address), address).toBe(true);
  });

  it('lets public addresses through, including the neighbours of private ranges', () => {
    for (const address of [
      '8.8.8.8',
      '172.32.0.1',
      '172.15.255.255',
      '203.0.113.10',
      '2001:db8::1',
    ])
      expect(isPrivateIp(address), address).toBe(false);
  });

  it('reads IPv4 in octal, hex and integer form as inet_aton does', () => {
    expect(isPrivateIp('0177.0.0.1')).toBe(true);
    expect(isPrivateIp('0x7f.1')).toBe(true);
    expect(isPrivateIp('2130706433')).toBe(true);
    expect(() => isPrivateIp('not-an-ip')).toThrow('invalid ipv4 address');
  });
});
