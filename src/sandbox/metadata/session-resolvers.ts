/**
 * `currentUser` and `currentWorkspace`: who is calling and what the workspace is entitled to.
 *
 * - `currentUser.currentUserWorkspace` carries the member's role as Twenty computes it for the
 *   front end (repo `metadata-modules/role/utils/fromUserWorkspacePermissionsToUserWorkspace
 *   PermissionsDto.ts`): `permissionFlags` with the wide switches expanded, `objectsPermissions`
 *   with every object's effective permissions, restricted fields and row-level predicates.
 * - `currentWorkspace.billingEntitlements` lists every `BillingEntitlementKey`; only RLS can be
 *   on, following `state.rlsEnabled`. RLS needs an enterprise key too (HOST-CONTRACT §D), so
 *   the enterprise-key booleans follow the same switch.
 *
 * Fields the sandbox cannot answer truthfully throw NOT_IMPLEMENTED when selected.
 */
import type { SandboxMember, WorkspaceState } from '../workspace.js';
import { type MetadataContext, type RootResolver, principalRole, stateOf } from './context.js';
import { metadataError, notImplemented } from './errors.js';
import { CUSTOM_APPLICATION_ID, METADATA_EPOCH } from './object-views.js';
import { grantedFlags } from './permission-flags.js';
import { effectiveObjectPermissions, roleView, workspaceMemberView } from './role-views.js';

const BILLING_ENTITLEMENT_KEYS = [
  'SSO',
  'CUSTOM_DOMAIN',
  'RLS',
  'RECORD_SHARING',
  'AUDIT_LOGS',
  'USAGE_LIMIT',
] as const;

function unanswered(field: string) {
  return () => {
    throw notImplemented(field);
  };
}

export function workspaceView(state: WorkspaceState) {
  const defaultRole = state.roles.find((role) => role.id === state.defaultRoleId);
  return {
    id: state.id,
    displayName: state.displayName,
    logo: null,
    logoFileId: null,
    inviteHash: null,
    deletedAt: null,
    createdAt: METADATA_EPOCH,
    updatedAt: METADATA_EPOCH,
    allowImpersonation: false,
    isPublicInviteLinkEnabled: false,
    workspaceDiscoverability: 'MEMBERS_AND_INVITEES',
    trashRetentionDays: 14,
    eventLogRetentionDays: 90,
    workspaceMembersCount: state.members.length,
    activationStatus: 'ACTIVE',
    views: null,
    viewFields: null,
    viewFilters: null,
    viewFilterGroups: null,
    viewGroups: null,
    viewSorts: null,
    metadataVersion: 1,
    databaseSchema: null,
    subdomain: state.id,
    customDomain: null,
    isGoogleAuthEnabled: false,
    isGoogleAuthBypassEnabled: false,
    isTwoFactorAuthenticationEnforced: false,
    isPasswordAuthEnabled: true,
    isPasswordAuthBypassEnabled: false,
    isMicrosoftAuthEnabled: false,
    isMicrosoftAuthBypassEnabled: false,
    isCustomDomainEnabled: false,
    isInternalMessagesImportEnabled: false,
    allowedIframeOrigins: null,
    editableProfileFields: null,
    defaultRole: defaultRole === undefined ? null : roleView(state, defaultRole),
    aiChatModelTier: unanswered('Workspace.aiChatModelTier'),
    aiAgentModelTier: unanswered('Workspace.aiAgentModelTier'),
    isAutoModelSelectionEnabled: unanswered('Workspace.isAutoModelSelectionEnabled'),
    aiModelIdByTier: unanswered('Workspace.aiModelIdByTier'),
    aiEvaluationModelId: null,
    aiAdditionalInstructions: null,
    workspaceCustomApplication: unanswered('Workspace.workspaceCustomApplication'),
    featureFlags: [],
    billingSubscriptions: [],
    installedApplications: [],
    currentBillingSubscription: null,
    billingCustomer: null,
    billingEntitlements: BILLING_ENTITLEMENT_KEYS.map((key) => ({
      key,
      value: key === 'RLS' && state.rlsEnabled,
    })),
    hasValidSignedEnterpriseKey: state.rlsEnabled,
    hasValidEnterpriseValidityToken: state.rlsEnabled,
    workspaceUrls: { customUrl: null, subdomainUrl: `https://${state.id}.twenty.com/` },
    workspaceCustomApplicationId: CUSTOM_APPLICATION_ID,
  };
}

function userWorkspaceView(context: MetadataContext, member: SandboxMember) {
  const state = stateOf(context);
  const role = principalRole(context);
  const objectsPermissions = effectiveObjectPermissions(state, role);
  return {
    id: member.id,
    user: () => userView(context, member),
    userId: member.userId,
    locale: 'en',
    createdAt: METADATA_EPOCH,
    updatedAt: METADATA_EPOCH,
    deletedAt: null,
    permissionFlags: grantedFlags(role),
    objectPermissions: objectsPermissions,
    objectsPermissions,
    twoFactorAuthenticationMethodSummary: [],
    isImpersonating: false,
  };
}

function userView(context: MetadataContext, member: SandboxMember) {
  const state = stateOf(context);
  const workspaceMember = workspaceMemberView(state, member);
  return {
    id: member.userId,
    firstName: workspaceMember.name.firstName,
    lastName: workspaceMember.name.lastName,
    email: member.userEmail,
    isEmailVerified: true,
    disabled: false,
    canImpersonate: false,
    canAccessFullAdminPanel: false,
    createdAt: METADATA_EPOCH,
    updatedAt: METADATA_EPOCH,
    deletedAt: null,
    locale: workspaceMember.locale,
    workspaceMember,
    userWorkspaces: () => [userWorkspaceView(context, member)],
    onboardingStatus: 'COMPLETED',
    previousOnboardingStatus: null,
    currentWorkspace: () => workspaceView(state),
    currentUserWorkspace: () => userWorkspaceView(context, member),
    userVars: {},
    workspaceMembers: () => state.members.map((other) => workspaceMemberView(state, other)),
    deletedWorkspaceMembers: [],
    hasPassword: true,
    supportUserHash: null,
    isWorkspaceCreator: false,
    workspaces: () => [userWorkspaceView(context, member)],
    availableWorkspaces: unanswered('User.availableWorkspaces'),
  };
}

const currentUser: RootResolver = (_args, context) => {
  const principal = context.principal;
  if (principal.kind !== 'member') {
    // Twenty serves currentUser to user sessions only; an API key has no user behind it.
    throw metadataError('currentUser requires a user session; API keys have none', 'FORBIDDEN');
  }
  const member = stateOf(context).members.find((m) => m.id === principal.memberId);
  if (member === undefined) throw metadataError('User not found', 'UNAUTHENTICATED');
  return userView(context, member);
};

const currentWorkspace: RootResolver = (_args, context) => workspaceView(stateOf(context));

export const sessionResolvers: Readonly<Record<string, RootResolver>> = {
  currentUser,
  currentWorkspace,
};
