/** The ways a webhook request to the intake can end: the metrics' `outcome` label and the recent deliveries' note. */
export const WEBHOOK_OUTCOMES = [
  'accepted',
  'duplicate',
  'ignored',
  'unauthorized',
  'too_large',
  'unsupported_media_type',
  'bad_json',
  'invalid_event',
  'store_unavailable',
  'not_configured',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
