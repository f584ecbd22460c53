import { assertValidSchema, buildSchema } from 'graphql';

import { readSchemaDts } from './dts.js';
import { mergeSources } from './merge.js';
import { Diagnostics } from './model.js';
import type { SchemaType } from './model.js';
import { SDK_PACKAGE, readSdkSources } from './package-files.js';
import type { SdkSources } from './package-files.js';
import { printSdl } from './sdl.js';
import { readTypeMap } from './type-map.js';

export interface Generation {
  /** Undefined when anything could not be resolved: nothing half-right is written. */
  readonly sdl: string | undefined;
  readonly diagnostics: Diagnostics;
  readonly summary: readonly string[];
}

/**
 * Rebuilds Twenty's metadata SDL from twenty-client-sdk. Pure apart from reading the package, so
 * two runs on the same install give the same text.
 */
export function generateMetadataSdl(sources: SdkSources = readSdkSources()): Generation {
  const diagnostics = new Diagnostics();
  const typeMap = readTypeMap(sources.metadataModule.text, sources.metadataModule.path);
  const dts = readSchemaDts(sources.schemaDts.text, sources.schemaDts.path);
  const types = mergeSources(typeMap, dts, diagnostics);
  const summary = summarize(types, dts.ignored);
  if (diagnostics.errors.length > 0) return { sdl: undefined, diagnostics, summary };
  const sdl = printSdl(types, header(sources.version));
  try {
    assertValidSchema(buildSchema(sdl));
  } catch (error) {
    diagnostics.fail(`the generated SDL is not a valid schema: ${String(error)}`);
    return { sdl: undefined, diagnostics, summary };
  }
  return { sdl, diagnostics, summary };
}

function header(version: string): string[] {
  return [
    `Twenty's metadata API schema, generated from ${SDK_PACKAGE}@${version}`,
    '(dist/metadata.mjs type map + dist/metadata/generated/schema.d.ts)',
    'by `npm run host:schema` (src/host/schema-gen). Do not edit by hand: regenerate.',
  ];
}

function summarize(types: readonly SchemaType[], ignored: readonly string[]): string[] {
  const count = (kind: SchemaType['kind']) => types.filter((t) => t.kind === kind).length;
  const rootFields = (name: string) => {
    const root = types.find((t) => t.name === name);
    return root?.kind === 'object' ? root.fields.length : 0;
  };
  let fields = 0;
  let args = 0;
  for (const type of types) {
    if (type.kind === 'object') {
      fields += type.fields.length;
      args += type.fields.reduce((sum, f) => sum + f.args.length, 0);
    } else if (type.kind === 'input') fields += type.fields.length;
  }
  return [
    `types: ${types.length} (objects ${count('object')}, inputs ${count('input')}, ` +
      `enums ${count('enum')}, unions ${count('union')}, custom scalars ${count('scalar')})`,
    `fields: ${fields}, arguments: ${args}`,
    `queries: ${rootFields('Query')}, mutations: ${rootFields('Mutation')}, ` +
      `subscriptions: ${rootFields('Subscription')}`,
    `schema.d.ts exports that are not GraphQL types, ignored: ${ignored.length}`,
  ];
}
