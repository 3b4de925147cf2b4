import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const API_VERSION = '0.1.0';

async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Channel API',
        version: API_VERSION,
        description:
          'Distribution channel management: onboarding, policy, targets, incentives, evaluation. ' +
          'Errors are RFC 9457 application/problem+json. Writes accept Idempotency-Key. Money is a decimal string.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    // routes without zod schemas (GraphQL, health, docs) pass through untouched
    transform: (input) => {
      const parts = Object.values(input.schema ?? {}).filter((v) => v && typeof v === 'object' && !Array.isArray(v));
      const zodRoute = parts.some((v) => '_zod' in (v as object) || Object.values(v as object).some((x) => x && typeof x === 'object' && '_zod' in x));
      if (!zodRoute || input.url.startsWith('/graphql') || input.url.startsWith('/graphiql')) {
        return { schema: { ...(input.schema ?? {}), hide: true }, url: input.url };
      }
      return jsonSchemaTransform(input);
    },
    transformObject: jsonSchemaTransformObject,
  });
}

export const openapi = fp(openapiPlugin, { name: 'openapi' });

async function docsPlugin(app: FastifyInstance) {
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
}

export const docs = fp(docsPlugin, { name: 'docs', dependencies: ['openapi'] });
