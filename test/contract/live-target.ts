/** Reads where the live Twenty is, for `npm run test:contract:live`, and says how to get what is missing. */
import type { LiveTarget } from './harness.js';

interface Variable {
  readonly name: 'TWENTY_URL' | 'TWENTY_API_KEY' | 'TWENTY_ADMIN_TOKEN';
  readonly how: string;
}

export const LIVE_VARIABLES: readonly Variable[] = [
  {
    name: 'TWENTY_URL',
    how: "the Twenty server's base URL, as its SERVER_URL says (e.g. https://crm.example.com or http://localhost:3000), without /graphql",
  },
  {
    name: 'TWENTY_API_KEY',
    how: 'in Twenty, Settings → APIs & Webhooks → + Create key (copy it at once, it is shown only once), then give it the Admin role: Settings → Members → Roles → Admin → Assignment → API Keys',
  },
  {
    name: 'TWENTY_ADMIN_TOKEN',
    how: 'the access token of a signed-in workspace admin (a user, not an API key: role moves need a person): sign in to Twenty in a browser as that admin and copy accessOrWorkspaceAgnosticToken.token from the tokenPair cookie',
  },
];

/** The live target from the environment; throws naming every missing variable and how to get it. */
export function liveTargetFrom(env: Readonly<Record<string, string | undefined>>): LiveTarget {
  const missing = LIVE_VARIABLES.filter(({ name }) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new Error(
      [
        `The live host contract needs ${missing.map((v) => v.name).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set:`,
        ...missing.map((v) => `  ${v.name}: ${v.how}`),
        'Set them in the environment of `npm run test:contract:live` (see "Running the host contract against a real Twenty" in README.md).',
      ].join('\n'),
    );
  }
  const url = (env.TWENTY_URL ?? '').trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `TWENTY_URL is not a URL: "${url}". Set it to the Twenty server's base URL, e.g. https://crm.example.com.`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`TWENTY_URL must be http(s), not ${parsed.protocol} ("${url}").`);
  }
  if (/\/(graphql|metadata|rest)\/?$/.test(parsed.pathname)) {
    throw new Error(
      `TWENTY_URL ends in an API path ("${url}"): give the server's base URL; the contract adds /graphql and /metadata itself.`,
    );
  }
  return {
    url,
    apiKey: (env.TWENTY_API_KEY ?? '').trim(),
    adminToken: (env.TWENTY_ADMIN_TOKEN ?? '').trim(),
  };
}
