import { describe, expect, it } from 'vitest';
import { liveTargetFrom } from './live-target.js';

const complete = {
  TWENTY_URL: 'https://crm.example.com',
  TWENTY_API_KEY: 'key',
  TWENTY_ADMIN_TOKEN: 'session',
};

describe('the live contract target', () => {
  it('names every missing variable and how to get each, without running anything', () => {
    expect(() => liveTargetFrom({})).toThrow(
      /needs TWENTY_URL, TWENTY_API_KEY, TWENTY_ADMIN_TOKEN, which are not set/,
    );
    let message = '';
    try {
      liveTargetFrom({});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('TWENTY_URL: the Twenty server');
    expect(message).toContain('TWENTY_API_KEY: in Twenty, Settings → APIs & Webhooks');
    expect(message).toContain(
      'TWENTY_ADMIN_TOKEN: the access token of a signed-in workspace admin',
    );
    expect(message).toContain('Running the host contract against a real Twenty');
  });

  it('names only the missing one, and treats a blank value as missing', () => {
    expect(() => liveTargetFrom({ ...complete, TWENTY_ADMIN_TOKEN: '  ' })).toThrow(
      /needs TWENTY_ADMIN_TOKEN, which is not set:\n {2}TWENTY_ADMIN_TOKEN: /,
    );
    expect(() => liveTargetFrom({ ...complete, TWENTY_ADMIN_TOKEN: '  ' })).not.toThrow(
      /TWENTY_URL:|TWENTY_API_KEY:/,
    );
  });

  it('refuses a URL that is not one, or that already points at an API path', () => {
    expect(() => liveTargetFrom({ ...complete, TWENTY_URL: 'crm' })).toThrow(
      /TWENTY_URL is not a URL/,
    );
    expect(() =>
      liveTargetFrom({ ...complete, TWENTY_URL: 'https://crm.example.com/graphql' }),
    ).toThrow(/ends in an API path/);
  });

  it('reads a complete environment', () => {
    expect(liveTargetFrom(complete)).toEqual({
      url: 'https://crm.example.com',
      apiKey: 'key',
      adminToken: 'session',
    });
  });
});
