/**
 * API keys: `apiKeys`, `apiKey`, `getApiKeyRoles`, `createApiKey`, `updateApiKey`,
 * `revokeApiKey`, `assignRoleToApiKey`, `generateApiKeyToken` (repo `core-modules/api-key/
 * api-key.resolver.ts`, behind `SettingsPermissionGuard(API_KEYS_AND_WEBHOOKS)`; role checks
 * from `services/api-key-role.service.ts`). One role per key (HOST-CONTRACT §B).
 *
 * Twenty's token is a JWT (`sub` = the workspace, `jti` = the key id, `type: API_KEY`: repo
 * `core-modules/api-key/services/api-key.service.ts`, `generateApiKeyToken`); the sandbox issues one of that
 * shape, its signature part a random `newToken()` (nothing verifies it: the sandbox looks the
 * whole token up in `apiKeyTokens`, token → key id). The token's own expiry is not recorded;
 * the key's `expiresAt` and `revokedAt` are.
 */
import { z } from 'zod';
import type { SandboxApiKey, SandboxRole, WorkspaceState } from '../workspace.js';
import { commit, isoNow, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { metadataError } from './errors.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { roleView } from './role-views.js';

function apiKeyView(state: WorkspaceState, key: SandboxApiKey) {
  return {
    ...key,
    updatedAt: key.createdAt,
    role: () => {
      const role = state.roles.find((candidate) => candidate.id === key.roleId);
      if (role === undefined) {
        throw metadataError(`API key ${key.id} has no role assigned`, 'FORBIDDEN', {
          subCode: 'API_KEY_NO_ROLE_ASSIGNED',
        });
      }
      return roleView(state, role);
    },
  };
}

function apiKeyOrThrow(state: WorkspaceState, id: string): SandboxApiKey {
  const key = state.apiKeys.find((candidate) => candidate.id === id);
  if (key === undefined) {
    throw metadataError(`API Key with id ${id} not found in workspace`, 'NOT_FOUND', {
      subCode: 'API_KEY_NOT_FOUND',
    });
  }
  return key;
}

/** `validateAssignRoleInput`: the role exists and may be given to API keys. */
function assignableRole(state: WorkspaceState, roleId: string): SandboxRole {
  const role = state.roles.find((candidate) => candidate.id === roleId);
  if (role === undefined) {
    // UNVERIFIED: the sub-code Twenty gives a missing role here.
    throw metadataError(`Role with id ${roleId} not found in workspace`, 'NOT_FOUND', {
      subCode: 'ROLE_NOT_FOUND',
    });
  }
  if (!role.canBeAssignedToApiKeys) {
    throw metadataError(`Role "${role.label}" cannot be assigned to API keys`, 'FORBIDDEN', {
      subCode: 'ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS',
    });
  }
  return role;
}

function guarded(context: MetadataContext): WorkspaceState {
  requireSettingsFlag(context, 'API_KEYS_AND_WEBHOOKS');
  return stateOf(context);
}

function replaceKey(state: WorkspaceState, next: SandboxApiKey): WorkspaceState {
  return { ...state, apiKeys: state.apiKeys.map((key) => (key.id === next.id ? next : key)) };
}

const isoDate = z.string().transform((value, ctx) => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    ctx.addIssue({ code: 'custom', message: 'not a date' });
    return z.NEVER;
  }
  return new Date(time).toISOString();
});

const apiKeys: RootResolver = (_args, context) => {
  const state = guarded(context);
  return state.apiKeys.filter((key) => key.revokedAt === null).map((key) => apiKeyView(state, key));
};

const apiKey: RootResolver = (args, context) => {
  const state = guarded(context);
  const { id } = parseArgs(z.object({ input: z.object({ id: z.string() }) }), args).input;
  const key = state.apiKeys.find((candidate) => candidate.id === id);
  return key === undefined ? null : apiKeyView(state, key);
};

const getApiKeyRoles: RootResolver = (_args, context) => {
  const state = guarded(context);
  return state.roles
    .filter((role) => role.canBeAssignedToApiKeys)
    .map((role) => roleView(state, role));
};

const createArgs = z.object({
  input: z.object({
    name: z.string(),
    expiresAt: isoDate,
    revokedAt: isoDate.nullish(),
    roleId: z.string(),
  }),
});

const createApiKey: RootResolver = (args, context) => {
  guarded(context);
  const input = parseArgs(createArgs, args).input;
  const created = commit(context, (state) => {
    assignableRole(state, input.roleId);
    const key: SandboxApiKey = {
      id: context.deps.newId(),
      name: input.name,
      roleId: input.roleId,
      expiresAt: input.expiresAt,
      revokedAt: input.revokedAt ?? null,
      createdAt: isoNow(context),
    };
    return { state: { ...state, apiKeys: [...state.apiKeys, key] }, result: key };
  });
  return apiKeyView(stateOf(context), created);
};

const updateArgs = z.object({
  input: z.object({
    id: z.string(),
    name: z.string().nullish(),
    expiresAt: isoDate.nullish(),
    revokedAt: isoDate.nullish(),
  }),
});

const updateApiKey: RootResolver = (args, context) => {
  guarded(context);
  const { id, name, expiresAt, revokedAt } = parseArgs(updateArgs, args).input;
  const updated = commit(context, (state) => {
    const key = apiKeyOrThrow(state, id);
    const next: SandboxApiKey = {
      ...key,
      ...(name == null ? {} : { name }),
      ...(expiresAt == null ? {} : { expiresAt }),
      ...(revokedAt === undefined ? {} : { revokedAt }),
    };
    return { state: replaceKey(state, next), result: next };
  });
  return apiKeyView(stateOf(context), updated);
};

const revokeApiKey: RootResolver = (args, context) => {
  guarded(context);
  const { id } = parseArgs(z.object({ input: z.object({ id: z.string() }) }), args).input;
  const revoked = commit(context, (state) => {
    const next = { ...apiKeyOrThrow(state, id), revokedAt: isoNow(context) };
    return { state: replaceKey(state, next), result: next };
  });
  return apiKeyView(stateOf(context), revoked);
};

const assignRoleToApiKey: RootResolver = (args, context) => {
  guarded(context);
  const input = z.object({ apiKeyId: z.string(), roleId: z.string() });
  const { apiKeyId, roleId } = parseArgs(input, args);
  return commit(context, (state) => {
    const key = apiKeyOrThrow(state, apiKeyId);
    assignableRole(state, roleId);
    return { state: replaceKey(state, { ...key, roleId }), result: true };
  });
};

const generateApiKeyToken: RootResolver = (args, context) => {
  guarded(context);
  const { apiKeyId } = parseArgs(z.object({ apiKeyId: z.string(), expiresAt: isoDate }), args);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = [
    part({ alg: 'HS256', typ: 'JWT' }),
    part({
      sub: stateOf(context).id,
      type: 'API_KEY',
      workspaceId: stateOf(context).id,
      jti: apiKeyId,
    }),
    context.deps.newToken(),
  ].join('.');
  commit(context, (state) => {
    const key = apiKeyOrThrow(state, apiKeyId);
    if (key.revokedAt !== null) {
      throw metadataError('This API Key is revoked', 'FORBIDDEN', { subCode: 'API_KEY_REVOKED' });
    }
    return {
      state: { ...state, apiKeyTokens: { ...state.apiKeyTokens, [token]: key.id } },
      result: key,
    };
  });
  return { token };
};

export const apiKeyResolvers: Readonly<Record<string, RootResolver>> = {
  apiKeys,
  apiKey,
  getApiKeyRoles,
  createApiKey,
  updateApiKey,
  revokeApiKey,
  assignRoleToApiKey,
  generateApiKeyToken,
};
