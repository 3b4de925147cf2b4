import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { GraphQLError as GraphQLErrorType } from 'graphql';
import { graphqlLib } from './graphql-lib.js';
import mercurius, { type IResolvers, type MercuriusContext, type MercuriusLoaders } from 'mercurius';
import type { Actor } from './actor.js';

const { GraphQLError, GraphQLScalarType, Kind } = graphqlLib;
type GraphQLError = GraphQLErrorType;
import { DomainError, toDomainError } from './errors.js';

declare module 'mercurius' {
  interface MercuriusContext {
    actor: Actor;
  }
}

/** SDL every module extends: scalars, paging types, and the roots. */
export const BASE_SDL = /* GraphQL */ `
  "UTC timestamp, ISO 8601"
  scalar DateTime
  "Calendar date, YYYY-MM-DD"
  scalar Date
  "Exact decimal as a string (money, quantities): never a float"
  scalar Decimal
  "Arbitrary JSON value"
  scalar JSON

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Query {
    "The caller as the server sees it"
    viewer: Viewer!
  }

  type Mutation {
    "No-op; modules add the real mutations"
    ping: String!
  }

  type Viewer {
    tenant: String!
    subject: String!
    scopes: [String!]!
    partner: ID
  }
`;

const passthrough = (name: string, description: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (v) => (v instanceof Date ? (name === 'Date' ? v.toISOString().slice(0, 10) : v.toISOString()) : v),
    parseValue: (v) => v,
    parseLiteral: (ast) => {
      if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
      if (name === 'JSON') return null;
      throw new GraphQLError(`${name} must be a string`);
    },
  });

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: function literal(ast): unknown {
    switch (ast.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return ast.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(ast.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return ast.values.map((v) => literal(v));
      case Kind.OBJECT:
        return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
      default:
        return null;
    }
  },
});

export interface GraphqlOptions {
  graphiql: boolean;
}

async function graphqlPlugin(app: FastifyInstance, opts: GraphqlOptions) {
  const resolvers: IResolvers = {
    DateTime: passthrough('DateTime', 'UTC timestamp'),
    Date: passthrough('Date', 'Calendar date'),
    Decimal: passthrough('Decimal', 'Exact decimal'),
    JSON: JSONScalar,
    Query: {
      viewer: (_: unknown, __: unknown, ctx: MercuriusContext) => ({
        tenant: ctx.actor.tenantId,
        subject: ctx.actor.subject,
        scopes: [...ctx.actor.scopes],
        partner: ctx.actor.partnerId ?? null,
      }),
    },
    Mutation: { ping: () => 'pong' },
  };

  await app.register(mercurius, {
    schema: BASE_SDL,
    resolvers,
    graphiql: opts.graphiql,
    path: '/graphql',
    context: (request: FastifyRequest, _reply: FastifyReply) => ({ actor: request.actor! }),
    errorFormatter: (execution, ctx) => {
      const formatted = mercurius.defaultErrorFormatter(execution, ctx);
      const errors = (execution.errors ?? []).map((e) => {
        const original = (e as GraphQLError).originalError;
        // errors from the GraphQL layer itself (syntax, unknown field, bad variable) carry no original error
        if (!original || original instanceof GraphQLError) {
          const code = (e as GraphQLError).extensions?.['code'] ?? 'VALIDATION_FAILED';
          return { message: e.message, locations: (e as GraphQLError).locations, path: (e as GraphQLError).path, extensions: { code, status: 400 } };
        }
        const d = toDomainError(original);
        if (d.status >= 500) app.log.error({ err: original }, 'graphql resolver error');
        return {
          message: d.message,
          locations: (e as GraphQLError).locations,
          path: (e as GraphQLError).path,
          extensions: { ...(d.extra ?? {}), code: d.code, status: d.status, ...(d.errors ? { errors: d.errors } : {}) },
        };
      });
      return { statusCode: formatted.statusCode === 500 ? 200 : formatted.statusCode, response: { ...formatted.response, errors } };
    },
  });
}

export default fp(graphqlPlugin, { name: 'graphql', dependencies: ['auth'] });

/** For a module: add its SDL, resolvers and loaders to the one schema. */
export function extendGraphql(app: FastifyInstance, sdl: string, resolvers: IResolvers, loaders?: MercuriusLoaders) {
  // synchronous without a gateway (the type allows a promise for federation)
  void app.graphql.extendSchema(sdl);
  app.graphql.defineResolvers(resolvers);
  if (loaders) app.graphql.defineLoaders(loaders);
}

export { DomainError };
