/**
 * Arguments arrive already checked against the SDL by graphql-js; zod gives them their
 * TypeScript types and checks what the SDL leaves open (the JSON scalars: `options`,
 * `relationCreationPayload`, predicate values).
 */
import { z } from 'zod';
import { badInput } from './errors.js';

export function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.output<T> {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? '' : issue.path.join('.');
  throw badInput(`Invalid argument ${path}: ${issue?.message ?? 'unreadable'}`);
}

export const idArgs = z.object({ id: z.string() });

export const pagingSchema = z
  .object({
    first: z.number().int().nullish(),
    after: z.string().nullish(),
    last: z.number().int().nullish(),
    before: z.string().nullish(),
  })
  .nullish()
  .transform((paging) => paging ?? {});

export const filterSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((filter) => filter ?? {});

/** The `(paging, filter)` arguments of a nestjs-query connection field. */
export const connectionArgsSchema = z.object({ paging: pagingSchema, filter: filterSchema });
