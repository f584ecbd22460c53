/**
 * Data models for compile tests: a small hand-made one with readable ids (`opportunity`,
 * `opportunity.owner`), and Twenty's standard objects with the sandbox's stable ids.
 */
import type { FieldMetadata, FieldMetadataType } from '../host/core-schema/object-metadata.js';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import type { DataModelSnapshot, DiscoveredField, DiscoveredObject } from '../host/data-model.js';
import { stableId } from '../sandbox/seed-state.js';

export function snapshotOf(objects: readonly DiscoveredObject[]): DataModelSnapshot {
  const byName = new Map(objects.map((o) => [o.nameSingular, o]));
  return { objects, readAt: 0, object: (name) => byName.get(name) };
}

type FieldSpec = Omit<FieldMetadata, 'label' | 'isNullable'>;

export const plain = (name: string, type: FieldMetadataType = 'TEXT'): FieldSpec => ({
  name,
  type,
});
export const system = (name: string, type: FieldMetadataType = 'DATE_TIME'): FieldSpec => ({
  name,
  type,
  isSystem: true,
});
export const manyToOne = (name: string, target: string): FieldSpec => ({
  name,
  type: 'RELATION',
  relation: { type: 'MANY_TO_ONE', targetObject: target, joinColumn: `${name}Id` },
});
export const oneToMany = (name: string, target: string): FieldSpec => ({
  name,
  type: 'RELATION',
  relation: { type: 'ONE_TO_MANY', targetObject: target },
});

/** An object whose ids are its name (`person`) and `object.field` (`person.phones`). */
export function objectOf(
  name: string,
  fields: readonly FieldSpec[],
  isSystem = false,
): DiscoveredObject {
  const base = [system('id', 'UUID'), system('createdAt'), system('createdBy', 'ACTOR')];
  return {
    id: name,
    nameSingular: name,
    namePlural: `${name}s`,
    labelSingular: name,
    labelPlural: `${name}s`,
    isSystem,
    fields: [...base, ...fields].map((f): DiscoveredField => ({
      ...f,
      id: `${name}.${f.name}`,
      label: f.name,
      isNullable: true,
    })),
  };
}

/** The hand-made data model most tests compile against. */
export function smallModel(extra: readonly DiscoveredObject[] = []): DataModelSnapshot {
  return snapshotOf([
    objectOf('opportunity', [
      plain('name'),
      plain('amount', 'CURRENCY'),
      plain('stage', 'SELECT'),
      manyToOne('owner', 'workspaceMember'),
      manyToOne('company', 'company'),
    ]),
    objectOf('company', [
      plain('name'),
      manyToOne('accountOwner', 'workspaceMember'),
      oneToMany('opportunities', 'opportunity'),
    ]),
    objectOf('person', [
      plain('name', 'FULL_NAME'),
      plain('phones', 'PHONES'),
      plain('emails', 'EMAILS'),
      plain('jobTitle'),
    ]),
    objectOf('workspaceMember', [plain('userEmail')], true),
    ...extra,
  ]);
}

/** Twenty's standard objects with the ids the sandbox gives them (`stateFromSeed`). */
export function standardModel(): DataModelSnapshot {
  return snapshotOf(
    STANDARD_OBJECTS.map((object) => ({
      ...object,
      id: stableId(`object:${object.nameSingular}`),
      fields: object.fields.map((field) => ({
        ...field,
        id: stableId(`field:${object.nameSingular}.${field.name}`),
      })),
    })),
  );
}

/** The same objects, each non-system one with the helper field `tiergateViewers` (ARRAY). */
export function withHelperFields(model: DataModelSnapshot): DataModelSnapshot {
  return snapshotOf(
    model.objects.map((o) => {
      if (o.isSystem === true) return o;
      const helper: DiscoveredField = {
        id: `${o.nameSingular}.tiergateViewers`,
        name: 'tiergateViewers',
        label: 'Tiergate viewers',
        type: 'ARRAY',
        isNullable: true,
      };
      return { ...o, fields: [...o.fields, helper] };
    }),
  );
}
