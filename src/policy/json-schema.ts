/**
 * The JSON Schema of the policy file, generated from the zod schema (never written twice), so
 * editors can complete and check policy files. Conditions are checked by a walker rather than by
 * zod shapes (for precise messages); their JSON Schema comes from the same operator table.
 */
import { z } from 'zod';
import { OPERATORS, type OperatorName } from './condition.js';
import { MEMBER_REFS, MEMBER_REF_PREFIX } from './member-refs.js';
import { conditionSchema, policySchema } from './schema.js';

/** `$member.id`, `$member.teams`, …, `$member.attributes.<name>`, as a JSON Schema pattern. */
const MEMBER_REF_PATTERN = `^\\${MEMBER_REF_PREFIX.replace('.', '\\.')}(${Object.keys(MEMBER_REFS).join('|')}|attributes\\.[A-Za-z][A-Za-z0-9_]*)$`;

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === conditionSchema) {
        // Replace the generated shape (an opaque custom type) with the operator-table schema.
        const jsonSchema: Record<string, unknown> = ctx.jsonSchema;
        for (const key of Object.keys(jsonSchema)) Reflect.deleteProperty(jsonSchema, key);
        Object.assign(jsonSchema, conditionJsonSchema('#/$defs/Condition'));
      }
    },
  });
  return { ...schema, $id: 'https://tiergate.dev/schema/policy-v1.json' };
}

/** The JSON Schema of a condition, derived from the operator table (one source of truth). */
export function conditionJsonSchema(ref: string): Record<string, unknown> {
  const operand = (kind: (typeof OPERATORS)[OperatorName]): Record<string, unknown> => {
    const scalar = { type: ['string', 'number', 'boolean'] };
    switch (kind) {
      case 'scalar':
        return scalar;
      case 'list':
        // A list, or a member reference that resolves to one (`$member.teams`).
        return {
          anyOf: [
            { type: 'array', minItems: 1, items: scalar },
            { type: 'string', pattern: MEMBER_REF_PATTERN },
          ],
        };
      case 'pattern':
        return { type: 'string' };
      case 'nullity':
        return { enum: ['NULL', 'NOT_NULL'] };
    }
  };
  const predicate = {
    oneOf: Object.entries(OPERATORS).map(([name, kind]) => ({
      type: 'object',
      properties: { [name]: operand(kind) },
      required: [name],
      additionalProperties: false,
    })),
  };
  return {
    type: 'object',
    description: "A record condition in Twenty's filter language: { field: { operator: value } }.",
    properties: {
      and: { type: 'array', minItems: 1, items: { $ref: ref } },
      or: { type: 'array', minItems: 1, items: { $ref: ref } },
      not: { $ref: ref },
    },
    additionalProperties: {
      anyOf: [predicate, { type: 'object', additionalProperties: predicate }],
    },
    minProperties: 1,
  };
}
