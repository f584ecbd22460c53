/**
 * Typed documents for every operation Tiergate sends (graphql/operations), generated against
 * the schema snapshots (graphql/schema). `npm run host:codegen` writes src/host/generated/;
 * src/host/codegen.test.ts fails when an operation does not validate or the output is stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const shared = {
  plugins: ['typescript-operations', 'typed-document-node'],
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    skipTypename: true,
    strictScalars: true,
    scalars: {
      UUID: 'string',
      DateTime: 'string',
      JSON: 'unknown',
      JSONObject: 'Record<string, unknown>',
      ConnectionCursor: 'string',
      BigInt: 'string',
      Upload: 'never',
    },
  },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'src/host/generated/metadata.ts': {
      schema: 'graphql/schema/metadata.graphql',
      documents: 'graphql/operations/metadata/**/*.graphql',
      ...shared,
    },
  },
};

export default config;
