/**
 * Object metadata: `objects`, `object`, `fields`, `field` and `createOneObject` (repo
 * `metadata-modules/object-metadata/object-metadata.resolver.ts`; the mutations sit behind
 * `SettingsPermissionGuard(DATA_MODEL)`, the reads only need an authenticated workspace).
 */
import { z } from 'zod';
import type { SandboxObject, WorkspaceState } from '../workspace.js';
import { connectionOf, matchesFilter } from './connection.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { metadataError, metadataValidationFailed } from './errors.js';
import { defaultFieldsForCustomObject } from './field-builders.js';
import {
  fieldView,
  findField,
  findObject,
  objectFilterProperties,
  objectView,
} from './object-views.js';
import { connectionArgsSchema, idArgs, parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';

/** Twenty's `ObjectMetadataExceptionCode.OBJECT_METADATA_NOT_FOUND`, as a NotFoundError. */
export function objectNotFound(): never {
  throw metadataError('Object does not exist', 'NOT_FOUND', {
    subCode: 'OBJECT_METADATA_NOT_FOUND',
  });
}

export function fieldNotFound(): never {
  throw metadataError('Field does not exist', 'NOT_FOUND', {
    subCode: 'FIELD_METADATA_NOT_FOUND',
  });
}

const objects: RootResolver = (args, context) => {
  const { paging, filter } = parseArgs(connectionArgsSchema, args);
  const state = stateOf(context);
  const matching = state.objects.filter((object) =>
    matchesFilter(objectFilterProperties(object), filter),
  );
  return connectionOf(
    matching.map((object) => objectView(state, object)),
    paging,
  );
};

const object: RootResolver = (args, context) => {
  const { id } = parseArgs(idArgs, args);
  const state = stateOf(context);
  const found = findObject(state, id) ?? objectNotFound();
  return objectView(state, found);
};

const fields: RootResolver = (args, context) => {
  const { paging, filter } = parseArgs(connectionArgsSchema, args);
  const state = stateOf(context);
  const views = state.objects.flatMap((owner) =>
    owner.fields
      .filter((candidate) =>
        matchesFilter(
          { ...candidate, isSystem: candidate.isSystem ?? false, objectMetadataId: owner.id },
          filter,
        ),
      )
      .map((candidate) => fieldView(state, owner, candidate)),
  );
  return connectionOf(views, paging);
};

const field: RootResolver = (args, context) => {
  const { id } = parseArgs(idArgs, args);
  const state = stateOf(context);
  const found = findField(state, id) ?? fieldNotFound();
  return fieldView(state, found.object, found.field);
};

const createObjectArgs = z.object({
  input: z.object({
    object: z.object({
      nameSingular: z.string(),
      namePlural: z.string(),
      labelSingular: z.string(),
      labelPlural: z.string(),
      description: z.string().nullish(),
      skipNameField: z.boolean().nullish(),
    }),
  }),
});

type ObjectDraft = z.output<typeof createObjectArgs>['input']['object'];

/** Twenty requires camelCase names, distinct and not already used by another object. */
function objectNameErrors(state: WorkspaceState, draft: ObjectDraft): string[] {
  const errors: string[] = [];
  const taken = new Set(state.objects.flatMap((o) => [o.nameSingular, o.namePlural]));
  for (const name of [draft.nameSingular, draft.namePlural]) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) errors.push(`Name "${name}" should be in camelCase`);
    else if (taken.has(name)) errors.push(`Name "${name}" is not available`);
  }
  if (draft.nameSingular === draft.namePlural) {
    errors.push('The singular and plural names cannot be the same for an object');
  }
  return errors;
}

function newCustomObject(context: MetadataContext, draft: ObjectDraft): SandboxObject {
  return {
    id: context.deps.newId(),
    nameSingular: draft.nameSingular,
    namePlural: draft.namePlural,
    labelSingular: draft.labelSingular,
    labelPlural: draft.labelPlural,
    ...(draft.description == null ? {} : { description: draft.description }),
    isCustom: true,
    isActive: true,
    isSystem: false,
    fields: defaultFieldsForCustomObject(context.deps.newId, draft.skipNameField ?? false),
  };
}

const createOneObject: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'DATA_MODEL');
  const draft = parseArgs(createObjectArgs, args).input.object;
  const created = commit(context, (state) => {
    const errors = objectNameErrors(state, draft);
    if (errors.length > 0) {
      throw metadataValidationFailed(
        'creating object',
        'objectMetadata',
        errors.map((message) => ({ code: 'INVALID_OBJECT_INPUT', message })),
      );
    }
    const createdObject = newCustomObject(context, draft);
    return {
      state: { ...state, objects: [...state.objects, createdObject] },
      result: createdObject,
    };
  });
  return objectView(stateOf(context), created);
};

export const objectResolvers: Readonly<Record<string, RootResolver>> = {
  objects,
  object,
  fields,
  field,
  createOneObject,
};
