/**
 * The field paths a use of a composite field touches, so that a sub-field rule
 * (`amount.amountMicros: hidden`, `phones.primaryPhoneNumber: { mask: last4 }`) is judged
 * wherever its value could be read or written, not only where the client names it:
 *
 * - `amount.amountMicros` touches the field and that sub-field;
 * - `amount` as a whole (a count aggregate, a sort or group on the field, `amount: null` in a
 *   write) touches every sub-field of its type: Twenty's count aggregates read a set of them
 *   (twentyhq/twenty `.../twenty-orm/utils/get-subfields-for-aggregate-operation.util.ts`), and
 *   the gateway does not guess which;
 * - a written composite value (`amount: { currencyCode: "EUR" }`) touches the sub-fields it
 *   names: Twenty writes only those (`.../twenty-orm/utils/format-data.util.ts`,
 *   `formatCompositeField` skips the undefined ones).
 */
import { compositeProperties } from '../../host/core-schema/field-types.js';
import { isCompositeFieldType } from '../../host/core-schema/object-metadata.js';
import type { GatewayObject } from './model.js';
import { isJsonObject } from './json.js';

/** The sub-field names of a composite field of the object; none for any other field. */
export function subFieldsOf(object: GatewayObject, field: string): readonly string[] {
  const type = object.fields.get(field)?.type;
  if (type === undefined || !isCompositeFieldType(type)) return [];
  return compositeProperties(type).map((property) => property.name);
}

/** The paths reading `path` touches: the field, and its sub-field or every sub-field. */
export function readPaths(object: GatewayObject, path: string): string[] {
  const dot = path.indexOf('.');
  if (dot >= 0) return [path.slice(0, dot), path];
  return [path, ...subFieldsOf(object, path).map((sub) => `${path}.${sub}`)];
}

/** The fields and sub-fields a write's data sets. */
export function writtenPaths(
  object: GatewayObject,
  data: Readonly<Record<string, unknown>>,
): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const subs = subFieldsOf(object, key);
    paths.push(key);
    if (subs.length === 0) continue;
    const set = isJsonObject(value) ? Object.keys(value) : subs;
    for (const sub of set) paths.push(`${key}.${sub}`);
  }
  return paths;
}
