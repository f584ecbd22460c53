/**
 * Webhooks: `webhooks`, `webhook`, `createWebhook`, `updateWebhook`, `deleteWebhook` (repo
 * `metadata-modules/webhook/webhook.resolver.ts`, each behind
 * `SettingsPermissionGuard(API_KEYS_AND_WEBHOOKS)`; `webhook.service.ts`).
 *
 * - `targetUrl` is normalised with `new URL(...).toString()` and must be http or https, else
 *   `WebhookException('Invalid target URL provided', INVALID_TARGET_URL)`, a UserInputError.
 * - A webhook created without a secret gets one (`generateWebhookSecret`: 32 random bytes as
 *   hex; here `newToken()`), which settles HOST-CONTRACT §A's UNVERIFIED note.
 * - `operations` is stored as given. Its `['*.*']` column default (`webhook.entity.ts`) cannot
 *   be reached through GraphQL, where `CreateWebhookInput.operations` is `[String!]!`.
 */
import { z } from 'zod';
import type { SandboxWebhook, WorkspaceState } from '../workspace.js';
import { commit, isoNow, type RootResolver, stateOf } from './context.js';
import { metadataError } from './errors.js';
import { CUSTOM_APPLICATION_ID } from './object-views.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';

function webhookView(webhook: SandboxWebhook) {
  return { ...webhook, secret: webhook.secret ?? '', applicationId: CUSTOM_APPLICATION_ID };
}

function liveWebhook(state: WorkspaceState, id: string): SandboxWebhook | undefined {
  return state.webhooks.find((webhook) => webhook.id === id && webhook.deletedAt === null);
}

function webhookNotFound(): never {
  throw metadataError('Webhook not found', 'NOT_FOUND', {
    subCode: 'WEBHOOK_NOT_FOUND',
    userFriendlyMessage: 'Webhook not found.',
  });
}

/** The normalised URL, or Twenty's refusal. */
export function validTargetUrl(targetUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(targetUrl.trim());
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw metadataError('Invalid target URL provided', 'BAD_USER_INPUT', {
      subCode: 'INVALID_TARGET_URL',
      userFriendlyMessage: 'Please provide a valid HTTP or HTTPS URL.',
    });
  }
  return url.toString();
}

const webhooks: RootResolver = (_args, context) => {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  return stateOf(context)
    .webhooks.filter((webhook) => webhook.deletedAt === null)
    .toSorted((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map(webhookView);
};

const webhook: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  const { id } = parseArgs(z.object({ id: z.string() }), args);
  const found = liveWebhook(stateOf(context), id);
  return found === undefined ? null : webhookView(found);
};

const createArgs = z.object({
  input: z.object({
    id: z.string().nullish(),
    targetUrl: z.string(),
    operations: z.array(z.string()),
    description: z.string().nullish(),
    secret: z.string().nullish(),
  }),
});

const createWebhook: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  const input = parseArgs(createArgs, args).input;
  const targetUrl = validTargetUrl(input.targetUrl);
  const now = isoNow(context);
  const created: SandboxWebhook = {
    id: input.id ?? context.deps.newId(),
    targetUrl,
    operations: input.operations,
    description: input.description?.trim() ?? null,
    secret: input.secret ?? context.deps.newToken(),
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  commit(context, (state) => ({
    state: { ...state, webhooks: [...state.webhooks, created] },
    result: created,
  }));
  return webhookView(created);
};

const updateArgs = z.object({
  input: z.object({
    id: z.string(),
    update: z.object({
      targetUrl: z.string().nullish(),
      operations: z.array(z.string()).nullish(),
      description: z.string().nullish(),
      secret: z.string().nullish(),
    }),
  }),
});

const updateWebhook: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  const { id, update } = parseArgs(updateArgs, args).input;
  const targetUrl = update.targetUrl == null ? undefined : validTargetUrl(update.targetUrl);
  const updated = commit(context, (state) => {
    const current = liveWebhook(state, id) ?? webhookNotFound();
    const next: SandboxWebhook = {
      ...current,
      ...(targetUrl === undefined ? {} : { targetUrl }),
      ...(update.operations == null ? {} : { operations: update.operations }),
      ...(update.description === undefined ? {} : { description: update.description }),
      ...(update.secret == null ? {} : { secret: update.secret }),
      updatedAt: isoNow(context),
    };
    const list = state.webhooks.map((w) => (w.id === id ? next : w));
    return { state: { ...state, webhooks: list }, result: next };
  });
  return webhookView(updated);
};

const deleteWebhook: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  const { id } = parseArgs(z.object({ id: z.string() }), args);
  const deleted = commit(context, (state) => {
    const current = liveWebhook(state, id) ?? webhookNotFound();
    const list = state.webhooks.map((w) =>
      w.id === id ? { ...w, deletedAt: isoNow(context) } : w,
    );
    return { state: { ...state, webhooks: list }, result: current };
  });
  return webhookView(deleted);
};

export const webhookResolvers: Readonly<Record<string, RootResolver>> = {
  webhooks,
  webhook,
  createWebhook,
  updateWebhook,
  deleteWebhook,
};
