/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

export type CurrentUserQueryVariables = Exact<{ [key: string]: never; }>;


export type CurrentUserQuery = { currentUser: { id: string, email: string, workspaceMember: { id: string } | null, currentUserWorkspace: { permissionFlags: Array<PermissionFlagType> | null } | null } };

export type DataModelQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type DataModelQuery = { objects: { edges: Array<{ node: { id: string, nameSingular: string, namePlural: string, labelSingular: string, labelPlural: string, isSystem: boolean, isActive: boolean, isRemote: boolean, labelIdentifierFieldMetadataId: string | null, fieldsList: Array<{ id: string, name: string, label: string, type: FieldMetadataType, isNullable: boolean | null, isSystem: boolean | null, isActive: boolean | null, options: unknown, relation: { type: RelationType, targetObjectMetadata: { id: string, nameSingular: string }, targetFieldMetadata: { id: string, name: string } } | null }> } }>, pageInfo: { hasNextPage: boolean | null, endCursor: string | null } } };


export const CurrentUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CurrentUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"workspaceMember"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentUserWorkspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"permissionFlags"}}]}}]}}]}}]} as unknown as DocumentNode<CurrentUserQuery, CurrentUserQueryVariables>;
export const DataModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DataModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectionCursor"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"objects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"paging"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nameSingular"}},{"kind":"Field","name":{"kind":"Name","value":"namePlural"}},{"kind":"Field","name":{"kind":"Name","value":"labelSingular"}},{"kind":"Field","name":{"kind":"Name","value":"labelPlural"}},{"kind":"Field","name":{"kind":"Name","value":"isSystem"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"isRemote"}},{"kind":"Field","name":{"kind":"Name","value":"labelIdentifierFieldMetadataId"}},{"kind":"Field","name":{"kind":"Name","value":"fieldsList"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"isNullable"}},{"kind":"Field","name":{"kind":"Name","value":"isSystem"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"options"}},{"kind":"Field","name":{"kind":"Name","value":"relation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"targetObjectMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nameSingular"}}]}},{"kind":"Field","name":{"kind":"Name","value":"targetFieldMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<DataModelQuery, DataModelQueryVariables>;