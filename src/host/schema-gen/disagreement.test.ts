import { describe, expect, it } from 'vitest';

import { generateMetadataSdl } from './generate.js';
import type { SdkSources } from './package-files.js';

/** A two-source package in miniature, shaped like genql's output for twenty-client-sdk. */
function sources(typeMap: string, dts: string): SdkSources {
  return {
    version: '0.0.0-test',
    metadataModule: { path: 'metadata.mjs', text: `const re = ${typeMap};\nexport { re };` },
    schemaDts: { path: 'schema.d.ts', text: dts },
  };
}

const SCALARS = `export type Scalars = { String: string; Boolean: boolean; UUID: string };`;
const TYPE_MAP = `{
  scalars: [0, 1, 2],
  types: {
    String: {}, Boolean: {}, UUID: {},
    Role: { id: [2], label: [0], __typename: [0] },
    Query: { getRoles: [3, { id: [2, "UUID!"] }], __typename: [0] },
  },
}`;
const ROLE = `export interface Role { id: Scalars['UUID']; label?: Scalars['String']; __typename: 'Role' }`;
const QUERY = `export interface Query { getRoles: Role[]; __typename: 'Query' }`;
const QUERY_ARGS = `export interface QueryGenqlSelection {
  getRoles?: (RoleGenqlSelection & { __args: { id: Scalars['UUID'] } });
}`;

describe('merging the type map with schema.d.ts', () => {
  it('prints argument types from the type map and field markers from schema.d.ts', () => {
    const { sdl, diagnostics } = generateMetadataSdl(
      sources(TYPE_MAP, [SCALARS, ROLE, QUERY, QUERY_ARGS].join('\n')),
    );
    expect(diagnostics.errors).toEqual([]);
    expect(diagnostics.warnings).toEqual([]);
    expect(sdl).toContain('getRoles(id: UUID!): [Role!]!');
    expect(sdl).toContain('label: String\n');
  });

  it('refuses to print a field the type map lists but schema.d.ts does not type', () => {
    const roleWithoutLabel = `export interface Role { id: Scalars['UUID']; __typename: 'Role' }`;
    const { sdl, diagnostics } = generateMetadataSdl(
      sources(TYPE_MAP, [SCALARS, roleWithoutLabel, QUERY, QUERY_ARGS].join('\n')),
    );
    expect(sdl).toBeUndefined();
    expect(diagnostics.errors).toEqual(['Role.label: in the type map, not in schema.d.ts']);
  });

  it('keeps the type map’s argument type and warns when schema.d.ts disagrees', () => {
    const nullableArg = QUERY_ARGS.replace("id: Scalars['UUID']", "id?: (Scalars['UUID'] | null)");
    const { sdl, diagnostics } = generateMetadataSdl(
      sources(TYPE_MAP, [SCALARS, ROLE, QUERY, nullableArg].join('\n')),
    );
    expect(sdl).toContain('getRoles(id: UUID!)');
    expect(diagnostics.warnings).toEqual([
      "Query.getRoles(id): type map UUID!, schema.d.ts UUID; kept the type map's",
    ]);
  });

  it('refuses a type map referring to a type index that does not exist', () => {
    const broken = TYPE_MAP.replace('label: [0]', 'label: [99]');
    expect(() =>
      generateMetadataSdl(sources(broken, [SCALARS, ROLE, QUERY, QUERY_ARGS].join('\n'))),
    ).toThrow(/no type at index 99/);
  });
});
