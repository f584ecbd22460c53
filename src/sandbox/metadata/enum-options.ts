/**
 * Validation of SELECT, MULTI_SELECT and RATING options and default values, after repo
 * `metadata-modules/flat-field-metadata/validators/utils/validate-enum-flat-field-metadata
 * .util.ts`: options are required, values are UPPER_SNAKE_CASE, values and positions are
 * unique, and a default value is a quoted option value ("'LOW'"), a list of them for
 * MULTI_SELECT. Twenty's option-id and label-length checks are not reproduced.
 */
import type { FieldMetadataType, FieldOption } from '../../host/core-schema/object-metadata.js';

export interface FieldValidationError {
  readonly code: string;
  readonly message: string;
}

const ENUM_TYPES: readonly FieldMetadataType[] = ['SELECT', 'MULTI_SELECT', 'RATING'];
const UPPER_SNAKE_CASE = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
const QUOTED = /^'(.*)'$/;

function invalid(message: string): FieldValidationError {
  return { code: 'INVALID_FIELD_INPUT', message };
}

function optionErrors(options: readonly FieldOption[]): FieldValidationError[] {
  const errors = options
    .filter((option) => !UPPER_SNAKE_CASE.test(option.value))
    .map((option) =>
      invalid(`Value must be in UPPER_CASE and follow snake_case "${option.value}"`),
    );
  for (const key of ['position', 'value'] as const) {
    if (new Set(options.map((option) => option[key])).size !== options.length) {
      errors.push(invalid(`Duplicated option ${key}`));
    }
  }
  return errors;
}

function defaultValueErrors(
  type: FieldMetadataType,
  options: readonly FieldOption[],
  defaultValue: unknown,
): FieldValidationError[] {
  const values = type === 'MULTI_SELECT' ? defaultValue : [defaultValue];
  if (!Array.isArray(values)) {
    return [invalid(`Default value for multi-select must be an array got ${String(defaultValue)}`)];
  }
  return values.flatMap((value: unknown) => {
    const quoted = typeof value === 'string' ? QUOTED.exec(value) : null;
    if (quoted === null) return [invalid('Default value should be as quoted string')];
    return options.some((option) => option.value === quoted[1])
      ? []
      : [invalid(`Default value "${String(value)}" must be one of the option values`)];
  });
}

/** The validation errors of an enum field's options and default value; [] for other types. */
export function enumFieldErrors(
  type: FieldMetadataType,
  options: readonly FieldOption[] | null | undefined,
  defaultValue: unknown,
): FieldValidationError[] {
  if (!ENUM_TYPES.includes(type)) return [];
  if (options == null || options.length === 0) {
    return [invalid('Options are required for enum fields')];
  }
  const defaults = defaultValue == null ? [] : defaultValueErrors(type, options, defaultValue);
  return [...optionErrors(options), ...defaults];
}
