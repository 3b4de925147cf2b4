import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * graphql-codegen (npm run clients): TypeScript types of the whole schema, and result/variable types of the
 * example operations (typescript-operations brings the input and enum types those need).
 */
const scalars = { DateTime: 'string', Date: 'string', Decimal: 'string', JSON: 'unknown' };
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'examples/generated/schema-types.ts': { plugins: ['typescript'], config: { scalars, enumsAsTypes: true } },
    'examples/generated/graphql.ts': { documents: ['examples/*.graphql'], plugins: ['typescript-operations'], config: { scalars, enumsAsTypes: true } },
  },
};
export default config;
