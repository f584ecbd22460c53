/**
 * The JSON Schema of the policy file, generated from the zod schema (never written twice), so
 * editors can complete and check policy files. Conditions are checked by a walker rather than by
 * zod shapes (for precise messages); their JSON Schema comes from the same operator table.
 */
import { z } from 'zod';
import { conditionJsonSchema } from './condition.js';
import { conditionSchema, policySchema } from './schema.js';

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
