/** Checks shared by the object and field permission upserts, with Twenty's refusals. */
import type { GraphQLError } from 'graphql';
import type { WorkspaceState } from '../workspace.js';
import { metadataError, objectMetadataNotFound, permissionsError } from './errors.js';
import { findObject } from './object-views.js';

/** Twenty's answer for a system object; the field variant carries a user-facing message. */
const SYSTEM_OBJECT_USER_MESSAGE: Readonly<Record<'object' | 'field', string>> = {
  object: 'You cannot set permissions on system objects as they are managed by the platform.',
  field: 'You cannot set field permissions on system objects as they are managed by the platform.',
};

export function checkObjectForPermission(
  state: WorkspaceState,
  objectId: string,
  what: 'object' | 'field',
): void {
  const object = findObject(state, objectId);
  if (object === undefined) {
    // object-permission.service.ts words its own message; the field service uses the enum's.
    if (what === 'field') throw objectMetadataNotFound();
    throw permissionsError(
      'NOT_FOUND',
      'OBJECT_METADATA_NOT_FOUND_PERMISSIONS',
      'Object metadata id not found',
      'The object you are trying to set permissions for could not be found. It may have been deleted.',
    );
  }
  if (object.isSystem === true) {
    throw permissionsError(
      'FORBIDDEN',
      `CANNOT_ADD_${what.toUpperCase()}_PERMISSION_ON_SYSTEM_OBJECT`,
      `Cannot add ${what} permission on system object`,
      SYSTEM_OBJECT_USER_MESSAGE[what],
    );
  }
}

/** The builder's refusal of a change to a role that is not editable (see the field variant). */
export function roleNotEditableFor(
  metadataName: 'objectPermission' | 'fieldPermission',
): GraphQLError {
  const what = metadataName === 'objectPermission' ? 'object' : 'field';
  return metadataError(
    `Validation errors occurred while upserting ${what} permissions`,
    'METADATA_VALIDATION_FAILED',
    {
      extra: {
        errors: {
          [metadataName]: [
            {
              errors: [
                {
                  code: 'ROLE_NOT_EDITABLE',
                  message: 'Role is not editable',
                  userFriendlyMessage:
                    'This role cannot be modified because it is a system role. Only custom roles can be edited.',
                },
              ],
            },
          ],
        },
      },
    },
  );
}
