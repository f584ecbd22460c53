/**
 * The add-on server's logger: pino, one JSON object per line, UTC ISO timestamps (ASVS 5.0
 * 16.2.2). Secrets never reach the output (ASVS 16.2.5): the headers that carry credentials
 * (`authorization`, `cookie`, Twenty's webhook signature) are redacted by path, and every
 * known secret value (the webhook secret, …) is replaced wherever it would appear, as a last
 * line of defence against a secret that slips into a message. Request bodies are never logged:
 * a webhook carries the full record, which may hold restricted fields.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out before a line is written. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twenty-webhook-signature"]',
  'req.headers["x-api-key"]',
  'secret',
  'webhookSecret',
  'apiKey',
  '*.secret',
  '*.webhookSecret',
  '*.apiKey',
  'body',
  'req.body',
];

export const CENSOR = '[Redacted]';

/**
 * A request URL fit for a log line: the path as sent, and each query parameter's name with its
 * value redacted. A query can carry credentials (`?access_token=…`) as surely as a header can;
 * the names stay, to tell requests apart.
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const names = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return `${name}=${CENSOR}`;
    });
  return names.length === 0 ? url.slice(0, mark) : `${url.slice(0, mark)}?${names.join('&')}`;
}

export interface LoggerOptions {
  /** Where the lines go (default: standard output). */
  readonly destination?: DestinationStream;
  readonly level?: LevelWithSilent;
  /** Values that must never appear in a line, whatever path they come by. */
  readonly secrets?: () => readonly (string | undefined)[];
}

/** Every occurrence of each secret (8 characters or more, so a short one cannot garble lines). */
function scrub(line: string, secrets: readonly (string | undefined)[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 8) continue;
    if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    // The same secret as it appears inside a JSON string (escaped quotes or backslashes).
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(CENSOR);
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets;
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'tiergate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
      ...(secrets ? { hooks: { streamWrite: (line: string) => scrub(line, secrets()) } } : {}),
    },
    options.destination ?? pino.destination(1),
  );
}
