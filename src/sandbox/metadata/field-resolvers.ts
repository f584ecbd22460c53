/**
 * Field metadata mutations: `createOneField` (relations create both sides), `updateOneField`,
 * `deleteOneField` (repo `metadata-modules/field-metadata/field-metadata.resolver.ts`, behind
 * `SettingsPermissionGuard(DATA_MODEL)`). Name clashes answer Twenty's validation error
 * `Name "x" is not available as it is already used by another field` (code NOT_AVAILABLE,
 * repo `flat-field-metadata/validators/utils/validate-flat-field-metadata-name-availability.util
 * .ts`); enum options are checked as in enum-options.ts.
 */
import { z } from 'zod';
import { FIELD_METADATA_TYPES } from '../../host/core-schema/object-metadata.js';
import type { SandboxField, SandboxObject, WorkspaceState } from '../workspace.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { enumFieldErrors, type FieldValidationError } from './enum-options.js';
import { badInput, metadataValidationFailed, notImplemented } from './errors.js';
import {
  CREATABLE_FIELD_TYPES,
  type FieldDraft,
  fieldFromDraft,
  relationPair,
  takenFieldNames,
} from './field-builders.js';
import { fieldNotFound, objectNotFound } from './object-resolvers.js';
import { fieldView, findField, findObject } from './object-views.js';
import { idArgs, parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { withoutField } from './role-state.js';

const optionSchema = z.object({
  value: z.string(),
  label: z.string(),
  position: z.number(),
  color: z.string().optional(),
});

const relationPayloadSchema = z.object({
  targetObjectMetadataId: z.string(),
  type: z.enum(['MANY_TO_ONE', 'ONE_TO_MANY']),
  targetFieldLabel: z.string(),
  targetFieldIcon: z.string().nullish(),
  targetFieldName: z.string().nullish(),
});

const createFieldArgs = z.object({
  input: z.object({
    field: z.object({
      type: z.enum(FIELD_METADATA_TYPES),
      name: z.string(),
      label: z.string(),
      objectMetadataId: z.string(),
      description: z.string().nullish(),
      isNullable: z.boolean().nullish(),
      isSystem: z.boolean().nullish(),
      isActive: z.boolean().nullish(),
      defaultValue: z.unknown().optional(),
      options: z.array(optionSchema).nullish(),
      settings: z.object({ dataType: z.enum(['float', 'int', 'bigint']).optional() }).nullish(),
      relationCreationPayload: relationPayloadSchema.nullish(),
    }),
  }),
});

type CreateFieldInput = z.output<typeof createFieldArgs>['input']['field'];

function nameTaken(name: string): FieldValidationError {
  return {
    code: 'NOT_AVAILABLE',
    message: `Name "${name}" is not available as it is already used by another field`,
  };
}

/** Throws Twenty's METADATA_VALIDATION_FAILED when there are errors. */
function checkField(action: 'creating' | 'updating', errors: FieldValidationError[]): void {
  if (errors.length > 0) throw metadataValidationFailed(`${action} field`, 'fieldMetadata', errors);
}

function replaceObject(state: WorkspaceState, next: SandboxObject): WorkspaceState {
  return { ...state, objects: state.objects.map((o) => (o.id === next.id ? next : o)) };
}

function addFields(state: WorkspaceState, objectId: string, added: SandboxField[]): WorkspaceState {
  const owner = findObject(state, objectId) ?? objectNotFound();
  return replaceObject(state, { ...owner, fields: [...owner.fields, ...added] });
}

function createRelation(
  context: MetadataContext,
  state: WorkspaceState,
  source: SandboxObject,
  input: CreateFieldInput,
): { state: WorkspaceState; result: SandboxField } {
  const payload = input.relationCreationPayload;
  if (payload == null) throw badInput('relationCreationPayload is required for a RELATION field');
  const target = findObject(state, payload.targetObjectMetadataId) ?? objectNotFound();
  const ids = { source: context.deps.newId(), target: context.deps.newId() };
  const pair = relationPair(ids, source, target, { ...input, ...payload });
  const targetTaken = takenFieldNames(target);
  if (target.id === source.id) targetTaken.add(pair.sourceField.name);
  if (targetTaken.has(pair.targetField.name))
    checkField('creating', [nameTaken(pair.targetField.name)]);
  const withSource = addFields(state, source.id, [pair.sourceField]);
  return { state: addFields(withSource, target.id, [pair.targetField]), result: pair.sourceField };
}

const createOneField: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'DATA_MODEL');
  const input = parseArgs(createFieldArgs, args).input.field;
  if (!CREATABLE_FIELD_TYPES.includes(input.type)) {
    throw notImplemented(`Creating a ${input.type} field`);
  }
  const created = commit(context, (state) => {
    const owner = findObject(state, input.objectMetadataId) ?? objectNotFound();
    checkField('creating', [
      ...(takenFieldNames(owner).has(input.name) ? [nameTaken(input.name)] : []),
      ...enumFieldErrors(input.type, input.options, input.defaultValue),
    ]);
    if (input.type === 'RELATION') return createRelation(context, state, owner, input);
    const draft: FieldDraft = input;
    const newField = fieldFromDraft(context.deps.newId(), draft);
    return { state: addFields(state, owner.id, [newField]), result: newField };
  });
  const state = stateOf(context);
  const found = findField(state, created.id) ?? fieldNotFound();
  return fieldView(state, found.object, found.field);
};

const updateFieldArgs = z.object({
  input: z.object({
    id: z.string(),
    update: z.object({
      name: z.string().nullish(),
      label: z.string().nullish(),
      description: z.string().nullish(),
      isActive: z.boolean().nullish(),
      isNullable: z.boolean().nullish(),
      defaultValue: z.unknown().optional(),
      options: z.array(optionSchema).nullish(),
    }),
  }),
});

type FieldUpdate = z.output<typeof updateFieldArgs>['input']['update'];

function updatedField(
  owner: SandboxObject,
  field: SandboxField,
  update: FieldUpdate,
): SandboxField {
  const renamed = update.name != null && update.name !== field.name;
  if (renamed && field.type === 'RELATION') throw notImplemented('Renaming a RELATION field');
  const next: SandboxField = {
    ...field,
    ...(update.name == null ? {} : { name: update.name }),
    ...(update.label == null ? {} : { label: update.label }),
    ...(update.description == null ? {} : { description: update.description }),
    ...(update.isActive == null ? {} : { isActive: update.isActive }),
    ...(update.isNullable == null ? {} : { isNullable: update.isNullable }),
    ...(update.defaultValue === undefined ? {} : { defaultValue: update.defaultValue }),
    ...(update.options == null ? {} : { options: update.options }),
  };
  checkField('updating', [
    ...(renamed && takenFieldNames(owner).has(next.name) ? [nameTaken(next.name)] : []),
    ...enumFieldErrors(next.type, next.options, next.defaultValue),
  ]);
  return next;
}

const updateOneField: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'DATA_MODEL');
  const { id, update } = parseArgs(updateFieldArgs, args).input;
  commit(context, (state) => {
    const found = findField(state, id) ?? fieldNotFound();
    const next = updatedField(found.object, found.field, update);
    const fields = found.object.fields.map((f) => (f.id === id ? next : f));
    return { state: replaceObject(state, { ...found.object, fields }), result: next };
  });
  const state = stateOf(context);
  const found = findField(state, id) ?? fieldNotFound();
  return fieldView(state, found.object, found.field);
};

/** The field and, for a relation, its other side. */
function fieldsToDelete(state: WorkspaceState, owner: SandboxObject, field: SandboxField) {
  const relation = field.relation;
  const target = relation && state.objects.find((o) => o.nameSingular === relation.targetObject);
  const inverse = target?.fields.find((f) => f.name === relation?.targetField);
  return inverse === undefined ? [field.id] : [field.id, inverse.id];
}

const deleteOneField: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'DATA_MODEL');
  const { id } = parseArgs(z.object({ input: idArgs }), args).input;
  const state = stateOf(context);
  const found = findField(state, id) ?? fieldNotFound();
  if (found.field.isSystem === true) {
    throw metadataValidationFailed('deleting field', 'fieldMetadata', [
      { code: 'FIELD_MUTATION_NOT_ALLOWED', message: 'System fields cannot be deleted' },
    ]);
  }
  const view = fieldView(state, found.object, found.field);
  const doomed = new Set(fieldsToDelete(state, found.object, found.field));
  commit(context, (current) => ({
    state: withoutField(
      {
        ...current,
        objects: current.objects.map((o) => ({
          ...o,
          fields: o.fields.filter((f) => !doomed.has(f.id)),
        })),
      },
      doomed,
    ),
    result: undefined,
  }));
  return view;
};

export const fieldResolvers: Readonly<Record<string, RootResolver>> = {
  createOneField,
  updateOneField,
  deleteOneField,
};
