import { createRequire } from 'node:module';

/**
 * graphql, loaded the way mercurius (CommonJS) loads it. graphql ships both ESM and CJS builds; schema objects
 * from one fail instanceof checks in the other ("from another module or realm"), so platform code that builds
 * types or prints the server's schema uses this one instance.
 */
export const graphqlLib = createRequire(import.meta.url)('graphql') as typeof import('graphql');
