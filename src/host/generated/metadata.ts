/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type BillingEntitlementKey =
  | 'AUDIT_LOGS'
  | 'CUSTOM_DOMAIN'
  | 'RECORD_SHARING'
  | 'RLS'
  | 'SSO'
  | 'USAGE_LIMIT';

export type CreateApiKeyInput = {
  expiresAt: string;
  name: string;
  revokedAt?: string | null | undefined;
  roleId: string;
};

export type CreateFieldInput = {
  defaultValue?: unknown;
  description?: string | null | undefined;
  icon?: string | null | undefined;
  isActive?: boolean | null | undefined;
  isAuditLogged?: boolean | null | undefined;
  isLabelSyncedWithName?: boolean | null | undefined;
  isNullable?: boolean | null | undefined;
  isRemoteCreation?: boolean | null | undefined;
  isSearchable?: boolean | null | undefined;
  isSystem?: boolean | null | undefined;
  isUIEditable?: boolean | null | undefined;
  isUIReadOnly?: boolean | null | undefined;
  isUnique?: boolean | null | undefined;
  label: string;
  morphRelationsCreationPayload?: Array<unknown> | null | undefined;
  name: string;
  objectMetadataId: string;
  options?: unknown;
  relationCreationPayload?: unknown;
  settings?: unknown;
  type: FieldMetadataType;
};

export type CreateObjectInput = {
  color?: string | null | undefined;
  description?: string | null | undefined;
  icon?: string | null | undefined;
  isLabelSyncedWithName?: boolean | null | undefined;
  isRemote?: boolean | null | undefined;
  labelPlural: string;
  labelSingular: string;
  namePlural: string;
  nameSingular: string;
  primaryKeyColumnType?: string | null | undefined;
  primaryKeyFieldMetadataSettings?: unknown;
  shortcut?: string | null | undefined;
  skipNameField?: boolean | null | undefined;
};

export type CreateOneFieldMetadataInput = {
  /** The record to create */
  field: CreateFieldInput;
};

export type CreateOneObjectInput = {
  /** The object to create */
  object: CreateObjectInput;
};

export type CreateRoleInput = {
  canAccessAllTools?: boolean | null | undefined;
  canBeAssignedToAgents?: boolean | null | undefined;
  canBeAssignedToApiKeys?: boolean | null | undefined;
  canBeAssignedToUsers?: boolean | null | undefined;
  canDestroyAllObjectRecords?: boolean | null | undefined;
  canReadAllObjectRecords?: boolean | null | undefined;
  canSoftDeleteAllObjectRecords?: boolean | null | undefined;
  canUpdateAllObjectRecords?: boolean | null | undefined;
  canUpdateAllSettings?: boolean | null | undefined;
  description?: string | null | undefined;
  icon?: string | null | undefined;
  id?: string | null | undefined;
  label: string;
};

export type CreateWebhookInput = {
  description?: string | null | undefined;
  id?: string | null | undefined;
  operations: Array<string>;
  secret?: string | null | undefined;
  targetUrl: string;
};

export type DeleteOneFieldInput = {
  /** The id of the field to delete. */
  id: string;
};

export type DeleteOneObjectInput = {
  /** The id of the record to delete. */
  id: string;
};

/** Type of the field */
export type FieldMetadataType =
  | 'ACTOR'
  | 'ADDRESS'
  | 'ARRAY'
  | 'BOOLEAN'
  | 'CURRENCY'
  | 'DATE'
  | 'DATE_TIME'
  | 'EMAILS'
  | 'FILES'
  | 'FULL_NAME'
  | 'LINKS'
  | 'MORPH_RELATION'
  | 'MULTI_SELECT'
  | 'NUMBER'
  | 'NUMERIC'
  | 'PHONES'
  | 'POSITION'
  | 'RATING'
  | 'RAW_JSON'
  | 'RELATION'
  | 'RICH_TEXT'
  | 'SELECT'
  | 'TEXT'
  | 'TS_VECTOR'
  | 'UUID';

export type FieldPermissionInput = {
  canReadFieldValue?: boolean | null | undefined;
  canUpdateFieldValue?: boolean | null | undefined;
  fieldMetadataId: string;
  objectMetadataId: string;
};

export type ObjectPermissionInput = {
  canDestroyObjectRecords?: boolean | null | undefined;
  canReadObjectRecords?: boolean | null | undefined;
  canSoftDeleteObjectRecords?: boolean | null | undefined;
  canUpdateObjectRecords?: boolean | null | undefined;
  objectMetadataId: string;
};

export type PermissionFlagType =
  | 'AI'
  | 'AI_SETTINGS'
  | 'API_KEYS_AND_WEBHOOKS'
  | 'APPLICATIONS'
  | 'BILLING'
  | 'CODE_INTERPRETER_TOOL'
  | 'CONNECTED_ACCOUNTS'
  | 'CREATE_CALENDAR_EVENT_TOOL'
  | 'DATA_MODEL'
  | 'DOWNLOAD_FILE'
  | 'EXPORT_CSV'
  | 'HTTP_REQUEST_TOOL'
  | 'IMPERSONATE'
  | 'IMPORT_CSV'
  | 'LAYOUTS'
  | 'MARKETPLACE_APPS'
  | 'PROFILE_INFORMATION'
  | 'ROLES'
  | 'SECURITY'
  | 'SEND_EMAIL_TOOL'
  | 'SSO_BYPASS'
  | 'UPLOAD_FILE'
  | 'VIEWS'
  | 'WORKFLOWS'
  | 'WORKSPACE'
  | 'WORKSPACE_MEMBERS';

/** Relation type */
export type RelationType =
  | 'MANY_TO_ONE'
  | 'ONE_TO_MANY';

export type RevokeApiKeyInput = {
  id: string;
};

export type RowLevelPermissionPredicateGroupInput = {
  id?: string | null | undefined;
  logicalOperator: RowLevelPermissionPredicateGroupLogicalOperator;
  objectMetadataId: string;
  parentRowLevelPermissionPredicateGroupId?: string | null | undefined;
  positionInRowLevelPermissionPredicateGroup?: number | null | undefined;
};

export type RowLevelPermissionPredicateGroupLogicalOperator =
  | 'AND'
  | 'OR';

export type RowLevelPermissionPredicateInput = {
  fieldMetadataId: string;
  id?: string | null | undefined;
  operand: RowLevelPermissionPredicateOperand;
  positionInRowLevelPermissionPredicateGroup?: number | null | undefined;
  rowLevelPermissionPredicateGroupId?: string | null | undefined;
  subFieldName?: string | null | undefined;
  value?: unknown;
  workspaceMemberFieldMetadataId?: string | null | undefined;
  workspaceMemberSubFieldName?: string | null | undefined;
};

export type RowLevelPermissionPredicateOperand =
  | 'CONTAINS'
  | 'DOES_NOT_CONTAIN'
  | 'GREATER_THAN_OR_EQUAL'
  | 'IS'
  | 'IS_AFTER'
  | 'IS_BEFORE'
  | 'IS_EMPTY'
  | 'IS_IN_FUTURE'
  | 'IS_IN_PAST'
  | 'IS_NOT'
  | 'IS_NOT_EMPTY'
  | 'IS_NOT_NULL'
  | 'IS_RELATIVE'
  | 'IS_TODAY'
  | 'LESS_THAN_OR_EQUAL'
  | 'VECTOR_SEARCH';

export type UpdateRoleInput = {
  /** The id of the role to update */
  id: string;
  update: UpdateRolePayload;
};

export type UpdateRolePayload = {
  canAccessAllTools?: boolean | null | undefined;
  canBeAssignedToAgents?: boolean | null | undefined;
  canBeAssignedToApiKeys?: boolean | null | undefined;
  canBeAssignedToUsers?: boolean | null | undefined;
  canDestroyAllObjectRecords?: boolean | null | undefined;
  canReadAllObjectRecords?: boolean | null | undefined;
  canSoftDeleteAllObjectRecords?: boolean | null | undefined;
  canUpdateAllObjectRecords?: boolean | null | undefined;
  canUpdateAllSettings?: boolean | null | undefined;
  description?: string | null | undefined;
  icon?: string | null | undefined;
  label?: string | null | undefined;
};

export type UpsertFieldPermissionsInput = {
  fieldPermissions: Array<FieldPermissionInput>;
  roleId: string;
};

export type UpsertObjectPermissionsInput = {
  objectPermissions: Array<ObjectPermissionInput>;
  roleId: string;
};

export type UpsertPermissionFlagsInput = {
  permissionFlagKeys: Array<string>;
  roleId: string;
};

export type UpsertRowLevelPermissionPredicatesInput = {
  objectMetadataId: string;
  predicateGroups: Array<RowLevelPermissionPredicateGroupInput>;
  predicates: Array<RowLevelPermissionPredicateInput>;
  roleId: string;
};

export type CurrentUserQueryVariables = Exact<{ [key: string]: never; }>;


export type CurrentUserQuery = { currentUser: { id: string, email: string, workspaceMember: { id: string } | null, currentUserWorkspace: { permissionFlags: Array<PermissionFlagType> | null } | null } };

export type DataModelQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type DataModelQuery = { objects: { edges: Array<{ node: { id: string, nameSingular: string, namePlural: string, labelSingular: string, labelPlural: string, isSystem: boolean, isActive: boolean, isRemote: boolean, labelIdentifierFieldMetadataId: string | null, fieldsList: Array<{ id: string, name: string, label: string, type: FieldMetadataType, isNullable: boolean | null, defaultValue: unknown, isSystem: boolean | null, isActive: boolean | null, options: unknown, relation: { type: RelationType, targetObjectMetadata: { id: string, nameSingular: string }, targetFieldMetadata: { id: string, name: string } } | null }> } }>, pageInfo: { hasNextPage: boolean | null, endCursor: string | null } } };

export type InstallRolesQueryVariables = Exact<{ [key: string]: never; }>;


export type InstallRolesQuery = { getRoles: Array<{ id: string, label: string, description: string | null, canReadAllObjectRecords: boolean, canUpdateAllObjectRecords: boolean, canSoftDeleteAllObjectRecords: boolean, canDestroyAllObjectRecords: boolean, permissionFlags: Array<{ flag: string }> | null }> };

export type InstallSetPermissionFlagsMutationVariables = Exact<{
  input: UpsertPermissionFlagsInput;
}>;


export type InstallSetPermissionFlagsMutation = { upsertPermissionFlags: Array<{ flag: string }> };

export type InstallApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type InstallApiKeysQuery = { apiKeys: Array<{ id: string, name: string, revokedAt: string | null }> };

export type InstallCreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type InstallCreateApiKeyMutation = { createApiKey: { id: string } };

export type InstallGenerateApiKeyTokenMutationVariables = Exact<{
  apiKeyId: string;
  expiresAt: string;
}>;


export type InstallGenerateApiKeyTokenMutation = { generateApiKeyToken: { token: string } };

export type InstallRevokeApiKeyMutationVariables = Exact<{
  input: RevokeApiKeyInput;
}>;


export type InstallRevokeApiKeyMutation = { revokeApiKey: { id: string } | null };

export type InstallCreateObjectMutationVariables = Exact<{
  input: CreateOneObjectInput;
}>;


export type InstallCreateObjectMutation = { createOneObject: { id: string, nameSingular: string } };

export type InstallCreateFieldMutationVariables = Exact<{
  input: CreateOneFieldMetadataInput;
}>;


export type InstallCreateFieldMutation = { createOneField: { id: string, name: string, type: FieldMetadataType } };

export type InstallDeleteFieldMutationVariables = Exact<{
  input: DeleteOneFieldInput;
}>;


export type InstallDeleteFieldMutation = { deleteOneField: { id: string } };

export type InstallDeleteObjectMutationVariables = Exact<{
  input: DeleteOneObjectInput;
}>;


export type InstallDeleteObjectMutation = { deleteOneObject: { id: string } };

export type InstallWebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type InstallWebhooksQuery = { webhooks: Array<{ id: string, targetUrl: string, operations: Array<string>, secret: string }> };

export type InstallCreateWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type InstallCreateWebhookMutation = { createWebhook: { id: string, targetUrl: string, operations: Array<string>, secret: string } };

export type InstallUpdateWebhookOperationsMutationVariables = Exact<{
  id: string;
  operations: Array<string> | string;
}>;


export type InstallUpdateWebhookOperationsMutation = { updateWebhook: { id: string, operations: Array<string> } };

export type InstallDeleteWebhookMutationVariables = Exact<{
  id: string;
}>;


export type InstallDeleteWebhookMutation = { deleteWebhook: { id: string } };

export type SyncUpsertObjectPermissionsMutationVariables = Exact<{
  input: UpsertObjectPermissionsInput;
}>;


export type SyncUpsertObjectPermissionsMutation = { upsertObjectPermissions: Array<{ objectMetadataId: string }> };

export type SyncUpsertFieldPermissionsMutationVariables = Exact<{
  input: UpsertFieldPermissionsInput;
}>;


export type SyncUpsertFieldPermissionsMutation = { upsertFieldPermissions: Array<{ id: string }> };

export type SyncUpsertRowLevelPermissionPredicatesMutationVariables = Exact<{
  input: UpsertRowLevelPermissionPredicatesInput;
}>;


export type SyncUpsertRowLevelPermissionPredicatesMutation = { upsertRowLevelPermissionPredicates: { predicates: Array<{ id: string }> } };

export type SyncCreateRoleMutationVariables = Exact<{
  input: CreateRoleInput;
}>;


export type SyncCreateRoleMutation = { createOneRole: { id: string } };

export type SyncUpdateRoleMutationVariables = Exact<{
  input: UpdateRoleInput;
}>;


export type SyncUpdateRoleMutation = { updateOneRole: { id: string } };

export type SyncDeleteRoleMutationVariables = Exact<{
  roleId: string;
}>;


export type SyncDeleteRoleMutation = { deleteOneRole: string };

export type SyncUpdateWorkspaceMemberRoleMutationVariables = Exact<{
  workspaceMemberId: string;
  roleId: string;
}>;


export type SyncUpdateWorkspaceMemberRoleMutation = { updateWorkspaceMemberRole: { id: string } };

export type SyncRolesQueryVariables = Exact<{ [key: string]: never; }>;


export type SyncRolesQuery = { getRoles: Array<{ id: string, label: string, description: string | null, isEditable: boolean, canReadAllObjectRecords: boolean, canUpdateAllObjectRecords: boolean, canSoftDeleteAllObjectRecords: boolean, canDestroyAllObjectRecords: boolean, objectPermissions: Array<{ objectMetadataId: string, canReadObjectRecords: boolean | null, canUpdateObjectRecords: boolean | null, canSoftDeleteObjectRecords: boolean | null, canDestroyObjectRecords: boolean | null }> | null, fieldPermissions: Array<{ objectMetadataId: string, fieldMetadataId: string, canReadFieldValue: boolean | null, canUpdateFieldValue: boolean | null }> | null, rowLevelPermissionPredicates: Array<{ id: string, objectMetadataId: string, fieldMetadataId: string, operand: RowLevelPermissionPredicateOperand, value: unknown, subFieldName: string | null, workspaceMemberFieldMetadataId: string | null, rowLevelPermissionPredicateGroupId: string | null, positionInRowLevelPermissionPredicateGroup: number | null }> | null, rowLevelPermissionPredicateGroups: Array<{ id: string, objectMetadataId: string, parentRowLevelPermissionPredicateGroupId: string | null, logicalOperator: RowLevelPermissionPredicateGroupLogicalOperator, positionInRowLevelPermissionPredicateGroup: number | null }> | null, workspaceMembers: Array<{ id: string }> }> };

export type WorkspaceQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkspaceQuery = { currentWorkspace: { id: string, displayName: string | null, billingEntitlements: Array<{ key: BillingEntitlementKey, value: boolean }> } };


export const CurrentUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CurrentUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"workspaceMember"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentUserWorkspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"permissionFlags"}}]}}]}}]}}]} as unknown as DocumentNode<CurrentUserQuery, CurrentUserQueryVariables>;
export const DataModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DataModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectionCursor"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"objects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"paging"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nameSingular"}},{"kind":"Field","name":{"kind":"Name","value":"namePlural"}},{"kind":"Field","name":{"kind":"Name","value":"labelSingular"}},{"kind":"Field","name":{"kind":"Name","value":"labelPlural"}},{"kind":"Field","name":{"kind":"Name","value":"isSystem"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"isRemote"}},{"kind":"Field","name":{"kind":"Name","value":"labelIdentifierFieldMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"fieldsList"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"isNullable"}},{"kind":"Field","name":{"kind":"Name","value":"defaultValue"}},{"kind":"Field","name":{"kind":"Name","value":"isSystem"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"options"}},{"kind":"Field","name":{"kind":"Name","value":"relation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"targetObjectMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nameSingular"}}]}},{"kind":"Field","name":{"kind":"Name","value":"targetFieldMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<DataModelQuery, DataModelQueryVariables>;
export const InstallRolesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InstallRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"getRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"canReadAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canUpdateAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canSoftDeleteAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canDestroyAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"permissionFlags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"flag"}}]}}]}}]}}]} as unknown as DocumentNode<InstallRolesQuery, InstallRolesQueryVariables>;
export const InstallSetPermissionFlagsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallSetPermissionFlags"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertPermissionFlagsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertPermissionFlags"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"upsertPermissionFlagsInput"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"flag"}}]}}]}}]} as unknown as DocumentNode<InstallSetPermissionFlagsMutation, InstallSetPermissionFlagsMutationVariables>;
export const InstallApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InstallApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<InstallApiKeysQuery, InstallApiKeysQueryVariables>;
export const InstallCreateApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallCreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<InstallCreateApiKeyMutation, InstallCreateApiKeyMutationVariables>;
export const InstallGenerateApiKeyTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallGenerateApiKeyToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"apiKeyId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expiresAt"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateApiKeyToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"apiKeyId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"apiKeyId"}}},{"kind":"Argument","name":{"kind":"Name","value":"expiresAt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expiresAt"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}}]}}]}}]} as unknown as DocumentNode<InstallGenerateApiKeyTokenMutation, InstallGenerateApiKeyTokenMutationVariables>;
export const InstallRevokeApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallRevokeApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevokeApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<InstallRevokeApiKeyMutation, InstallRevokeApiKeyMutationVariables>;
export const InstallCreateObjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallCreateObject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateOneObjectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createOneObject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nameSingular"}}]}}]}}]} as unknown as DocumentNode<InstallCreateObjectMutation, InstallCreateObjectMutationVariables>;
export const InstallCreateFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallCreateField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateOneFieldMetadataInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createOneField"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}}]}}]}}]} as unknown as DocumentNode<InstallCreateFieldMutation, InstallCreateFieldMutationVariables>;
export const InstallDeleteFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallDeleteField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteOneFieldInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteOneField"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<InstallDeleteFieldMutation, InstallDeleteFieldMutationVariables>;
export const InstallDeleteObjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallDeleteObject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteOneObjectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteOneObject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<InstallDeleteObjectMutation, InstallDeleteObjectMutationVariables>;
export const InstallWebhooksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InstallWebhooks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhooks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"targetUrl"}},{"kind":"Field","name":{"kind":"Name","value":"operations"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}}]}}]} as unknown as DocumentNode<InstallWebhooksQuery, InstallWebhooksQueryVariables>;
export const InstallCreateWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallCreateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"targetUrl"}},{"kind":"Field","name":{"kind":"Name","value":"operations"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}}]}}]} as unknown as DocumentNode<InstallCreateWebhookMutation, InstallCreateWebhookMutationVariables>;
export const InstallUpdateWebhookOperationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallUpdateWebhookOperations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operations"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"update"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"operations"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operations"}}}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operations"}}]}}]}}]} as unknown as DocumentNode<InstallUpdateWebhookOperationsMutation, InstallUpdateWebhookOperationsMutationVariables>;
export const InstallDeleteWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InstallDeleteWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<InstallDeleteWebhookMutation, InstallDeleteWebhookMutationVariables>;
export const SyncUpsertObjectPermissionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncUpsertObjectPermissions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertObjectPermissionsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertObjectPermissions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"upsertObjectPermissionsInput"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"objectMetadataId"}}]}}]}}]} as unknown as DocumentNode<SyncUpsertObjectPermissionsMutation, SyncUpsertObjectPermissionsMutationVariables>;
export const SyncUpsertFieldPermissionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncUpsertFieldPermissions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertFieldPermissionsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertFieldPermissions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"upsertFieldPermissionsInput"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SyncUpsertFieldPermissionsMutation, SyncUpsertFieldPermissionsMutationVariables>;
export const SyncUpsertRowLevelPermissionPredicatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncUpsertRowLevelPermissionPredicates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertRowLevelPermissionPredicatesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upsertRowLevelPermissionPredicates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"predicates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<SyncUpsertRowLevelPermissionPredicatesMutation, SyncUpsertRowLevelPermissionPredicatesMutationVariables>;
export const SyncCreateRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncCreateRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRoleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createOneRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"createRoleInput"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SyncCreateRoleMutation, SyncCreateRoleMutationVariables>;
export const SyncUpdateRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncUpdateRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateRoleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateOneRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"updateRoleInput"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SyncUpdateRoleMutation, SyncUpdateRoleMutationVariables>;
export const SyncDeleteRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncDeleteRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"roleId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteOneRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"roleId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"roleId"}}}]}]}}]} as unknown as DocumentNode<SyncDeleteRoleMutation, SyncDeleteRoleMutationVariables>;
export const SyncUpdateWorkspaceMemberRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SyncUpdateWorkspaceMemberRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"workspaceMemberId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"roleId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateWorkspaceMemberRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"workspaceMemberId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"workspaceMemberId"}}},{"kind":"Argument","name":{"kind":"Name","value":"roleId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"roleId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SyncUpdateWorkspaceMemberRoleMutation, SyncUpdateWorkspaceMemberRoleMutationVariables>;
export const SyncRolesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SyncRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"getRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"isEditable"}},{"kind":"Field","name":{"kind":"Name","value":"canReadAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canUpdateAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canSoftDeleteAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canDestroyAllObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"objectPermissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"objectMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"canReadObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canUpdateObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canSoftDeleteObjectRecords"}},{"kind":"Field","name":{"kind":"Name","value":"canDestroyObjectRecords"}}]}},{"kind":"Field","name":{"kind":"Name","value":"fieldPermissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"objectMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"fieldMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"canReadFieldValue"}},{"kind":"Field","name":{"kind":"Name","value":"canUpdateFieldValue"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rowLevelPermissionPredicates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"objectMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"fieldMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"operand"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"subFieldName"}},{"kind":"Field","name":{"kind":"Name","value":"workspaceMemberFieldMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"rowLevelPermissionPredicateGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"positionInRowLevelPermissionPredicateGroup"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rowLevelPermissionPredicateGroups"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"objectMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"parentRowLevelPermissionPredicateGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"logicalOperator"}},{"kind":"Field","name":{"kind":"Name","value":"positionInRowLevelPermissionPredicateGroup"}}]}},{"kind":"Field","name":{"kind":"Name","value":"workspaceMembers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<SyncRolesQuery, SyncRolesQueryVariables>;
export const WorkspaceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Workspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentWorkspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"billingEntitlements"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<WorkspaceQuery, WorkspaceQueryVariables>;