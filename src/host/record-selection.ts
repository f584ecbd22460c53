/**
 * The selection set that reads a whole record of an object, as a webhook body carries it: every
 * field of the data model, composite fields with all their readable sub-fields, MANY_TO_ONE
 * relations as their join column (`ownerId`), and nothing that would fan out (ONE_TO_MANY
 * relations) or that Twenty does not return (`searchVector`, polymorphic relations).
 */
import { compositeProperties, fieldKind } from './core-schema/field-types.js';
import type { ObjectMetadata } from './core-schema/object-metadata.js';

export function recordSelection(object: ObjectMetadata): string {
  const parts: string[] = [];
  for (const field of object.fields) {
    if (field.type === 'TS_VECTOR' || field.type === 'MORPH_RELATION') continue;
    const kind = fieldKind(object, field);
    switch (kind.kind) {
      case 'oneToMany':
        break;
      case 'manyToOne':
        parts.push(kind.joinColumn);
        break;
      case 'composite': {
        // Every sub-field: `hidden: 'input'` ones (an actor's name) are still read.
        const subs = compositeProperties(kind.type).map((p) => p.name);
        parts.push(`${field.name} { ${subs.join(' ')} }`);
        break;
      }
      default:
        parts.push(field.name);
    }
  }
  return parts.join(' ');
}
