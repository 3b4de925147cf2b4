import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import DataLoader from 'dataloader';
import fp from 'fastify-plugin';
import type { GraphQLError as GraphQLErrorType, InputValueDefinitionNode, TypeNode } from 'graphql';
import { graphqlLib } from './graphql-lib.js';
import mercurius, { type IResolvers, type MercuriusContext, type MercuriusLoaders } from 'mercurius';
import type { Actor } from './actor.js';

const { GraphQLError, GraphQLScalarType, Kind, NoSchemaIntrospectionCustomRule, parse, print, visit } = graphqlLib;
type GraphQLError = GraphQLErrorType;
import { DomainError, sendProblem, toDomainError } from './errors.js';
import { checkCost, checkInputBounds, checkShape, GraphqlLimitError, type GraphqlLimits } from './graphql-limits.js';
import { prefetchedKey } from './kernel/graphql-args.js';

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

  """
  Relay cursor connection paging. Every connection takes first/after (forward) and last/before (backward), 1-500 rows,
  50 when neither first nor last is given; first or after together with last or before is VALIDATION_FAILED.
  """
  type PageInfo {
    "Paging backward: more rows before this page. Paging forward: true after a cursor (the cursor's row comes before)"
    hasPreviousPage: Boolean!
    "Paging forward: more rows after this page. Paging backward: true before a cursor"
    hasNextPage: Boolean!
    "The cursor of the first row of this page (pass it as 'before' for the page before)"
    startCursor: String
    "The cursor of the last row of this page (pass it as 'after' for the page after)"
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
  /** `__schema` / `__type` queries (GRAPHQL_INTROSPECTION; off by default in production) */
  introspection: boolean;
  limits: GraphqlLimits;
}

type RequestErrorCode = 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'GRAPHQL_LIMIT_EXCEEDED' | 'VALIDATION_FAILED';

/**
 * An error of the request itself (syntax, validation against the schema, bad variables, a limit), as opposed to
 * one raised while executing: the client's mistake, answered 400 with the real message.
 */
function requestError(e: GraphQLError | Error): { code: RequestErrorCode; json: Record<string, unknown> } {
  const gql = e instanceof GraphQLError ? e : undefined;
  const ext = gql?.extensions ?? {};
  const code: RequestErrorCode =
    ext['code'] === 'GRAPHQL_LIMIT_EXCEEDED' || ext['code'] === 'VALIDATION_FAILED'
      ? (ext['code'] as RequestErrorCode)
      : e.message.startsWith('Syntax Error')
        ? 'GRAPHQL_PARSE_FAILED'
        : 'GRAPHQL_VALIDATION_FAILED';
  return {
    code,
    json: { message: e.message, ...(gql?.locations ? { locations: gql.locations } : {}), extensions: { ...ext, code, status: 400 } },
  };
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

  // Batched requests (a JSON array of operations) are accepted up to `maxBatch` operations.
  const batchGuard = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (Array.isArray(body) && body.length > opts.limits.maxBatch) {
      const err = new GraphqlLimitError('batch', opts.limits.maxBatch, body.length, `A batch may hold at most ${opts.limits.maxBatch} operations`);
      request.log.info({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'batch' }, err.message);
      return reply.code(400).send({ data: null, errors: err.errors.map((e) => requestError(e).json) });
    }
  };

  await app.register(mercurius, {
    schema: BASE_SDL,
    resolvers,
    graphiql: opts.graphiql,
    path: '/graphql',
    allowBatchedQueries: opts.limits.maxBatch > 1,
    // an operation seen before runs as graphql-jit code compiled for it (mercurius keeps it with the parsed and
    // validated document in its LRU cache) instead of graphql-js' generic executor: issue 15
    jit: 1,
    additionalRouteOptions: { preHandler: batchGuard },
    ...(opts.introspection ? {} : { validationRules: [NoSchemaIntrospectionCustomRule] }),
    context: (request: FastifyRequest, _reply: FastifyReply) => ({ actor: request.actor! }),
    // Errors thrown before GraphQL runs (the rate limit on this route) keep their problem+json answer and status.
    errorHandler: async (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof DomainError) {
        await sendProblem(reply, error.toProblem(request.url));
        return;
      }
      // HTTP-level refusals before GraphQL (a body that is not JSON, a wrong media type, too large): problem+json
      const http = error as Error & { statusCode?: number; errors?: unknown };
      if (typeof http.statusCode === 'number' && http.statusCode >= 400 && http.statusCode < 500 && !Array.isArray(http.errors)) {
        const code = http.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : http.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
        await sendProblem(reply, new DomainError(code, http.message).toProblem(request.url));
        return;
      }
      const { statusCode, response } = formatErrors(
        { errors: [error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error })] },
        request,
      );
      await reply.code(statusCode).send(response);
    },
    errorFormatter: (execution, ctx) => formatErrors(execution, ctx.reply?.request) as never,
  });

  // Depth and alias caps run on the parsed document before validation; the cost cap needs the variables.
  app.graphql.addHook('preValidation', async (_schema, document) => {
    checkShape(document, opts.limits);
  });
  app.graphql.addHook('preExecution', async (schema, document, _context, variables) => {
    checkInputBounds(document, variables as Record<string, unknown> | undefined);
    checkCost(schema, document, variables as Record<string, unknown> | undefined, opts.limits);
  });

  function formatErrors(execution: { data?: unknown; errors?: readonly GraphQLError[] }, request: FastifyRequest | undefined) {
    const log = request?.log ?? app.log;
    let refused = false;
    const errors = (execution.errors ?? []).flatMap((e) => {
      const original = e.originalError as (Error & { errors?: unknown; code?: unknown }) | undefined;
      // the request was refused before execution: parse, validation, variables (mercurius' MER_ERR_GQL_VALIDATION)
      // or a limit (ours); errors of the GraphQL layer itself carry no original error
      const refusal = original instanceof GraphqlLimitError || (typeof original?.code === 'string' && original.code.startsWith('MER_ERR_'));
      if (e.path && (!original || original instanceof GraphQLError)) {
        // raised by GraphQL itself while executing (e.g. a scalar it cannot serialise): as before, no request refusal
        return [{ message: e.message, locations: e.locations, path: e.path, extensions: { code: e.extensions?.['code'] ?? 'VALIDATION_FAILED', status: 400 } }];
      }
      const inner =
        refusal && Array.isArray(original?.errors) ? (original.errors as Error[]) : !original ? [e] : original instanceof GraphQLError ? [original] : undefined;
      if (inner) {
        refused = true;
        return inner.map((ie) => {
          const r = requestError(ie);
          log.info({ code: r.code, graphqlError: ie.message }, 'graphql request refused');
          return { ...r.json, ...(e.path ? { path: e.path } : {}) };
        });
      }
      const d = toDomainError(original);
      if (d.status >= 500) log.error({ err: original }, 'graphql resolver error');
      return [
        {
          message: d.message,
          locations: e.locations,
          path: e.path,
          extensions: { ...(d.extra ?? {}), code: d.code, status: d.status, ...(d.errors ? { errors: d.errors } : {}) },
        },
      ];
    });
    // a refused request (nothing ran) is 400; errors of an executed operation travel in a 200 next to `data`
    const statusCode = refused && execution.data == null ? 400 : 200;
    return { statusCode, response: { data: execution.data ?? null, errors } };
  }
}

export default fp(graphqlPlugin, { name: 'graphql', dependencies: ['auth'] });

/**
 * Every connection pages both ways (Relay cursor connections): a field whose type is a `...Connection` and that
 * takes `after` gets `last: Int` and `before: String` next to `first` / `after`, and `first` loses its default (a
 * default would make every `last` request a `first`+`last` one; `pageArgs` applies it). One place for every
 * module, so a module's SDL declares `first` / `after` only.
 */
export function withBackwardPaging(sdl: string): string {
  const doc = parse(sdl, { noLocation: true });
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
  const out = visit(doc, {
    FieldDefinition(node) {
      const args = node.arguments ?? [];
      if (!named(node.type).endsWith('Connection') || !args.some((a) => a.name.value === 'after')) return undefined;
      const arg = (name: string, type: string): InputValueDefinitionNode => ({
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: { kind: Kind.NAME, value: name },
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
      });
      const kept = args.filter((a) => a.name.value !== 'last' && a.name.value !== 'before');
      const withBoth = kept.flatMap((a) =>
        a.name.value === 'first' ? [{ ...a, defaultValue: undefined }] : a.name.value === 'after' ? [a, arg('last', 'Int'), arg('before', 'String')] : [a],
      );
      return { ...node, arguments: withBoth };
    },
  });
  return print(out);
}

/** For a module: add its SDL, resolvers and loaders to the one schema. */
export function extendGraphql(app: FastifyInstance, sdl: string, resolvers: IResolvers, loaders?: MercuriusLoaders) {
  // synchronous without a gateway (the type allows a promise for federation)
  void app.graphql.extendSchema(withBackwardPaging(sdl));
  app.graphql.defineResolvers(resolvers);
  if (loaders) app.graphql.defineResolvers(batchingResolvers(loaders));
}

/** Whether a field was given no arguments (mercurius passes `{}`). */
function noArguments(params: unknown): boolean {
  if (params === null || params === undefined) return true;
  for (const _ in params as object) return false;
  return true;
}

/** A loader's query: the parent object, the field's arguments and its resolve info (for the columns it asks for). */
type LoaderQuery = { obj: unknown; params: unknown; info: unknown };
/** The request's loaders (DataLoader instances by type and field, then field node), on its GraphQL context. */
const kLoaders = Symbol('loaders');

/**
 * Mercurius' loaders (`{ Type: { field: loader | { loader, opts } } }`, a loader answering a batch of `{ obj, params,
 * info }` queries in order) run as resolvers that batch through a DataLoader per request and field node: the fields a
 * request resolves in one tick are one call of the loader, as with mercurius' `defineLoaders`, except that two
 * aliases of a field are two calls, each with its own arguments (loaders read the arguments of their batch's first
 * query: with mercurius an alias with other arguments got the first alias' answer). Not through
 * mercurius: its loader cache keys every query by `{ obj, params }` written out with safe-stable-stringify (the
 * whole parent object, keys sorted), ~10% of the CPU of a GraphQL page of 50 partners with parent and children
 * (issue 15). No cache across a request's batches: a loader is handed the request's queries, duplicates included
 * (every loader answers per query).
 */
export function batchingResolvers(loaders: MercuriusLoaders): IResolvers {
  const out: Record<string, Record<string, (obj: unknown, params: unknown, ctx: MercuriusContext, info: unknown) => unknown>> = {};
  for (const [type, fields] of Object.entries(loaders)) {
    const byField: (typeof out)[string] = (out[type] = {});
    for (const [field, def] of Object.entries(fields)) {
      const loader = typeof def === 'function' ? def : def.loader;
      // mercurius' `maxBatchSize` splits a batch; `cache` has no meaning here (no cache either way)
      const maxBatchSize = typeof def === 'function' ? undefined : (def.opts as { maxBatchSize?: number } | undefined)?.maxBatchSize;
      const key = `${type}.${field}`;
      const carried = prefetchedKey(field);
      byField[field] = (obj, params, ctx, info) => {
        // fetched with the parent object (kernel prefetchedKey; fields without arguments): answered as it is, no batch
        if (obj !== null && typeof obj === 'object' && Object.hasOwn(obj, carried) && noArguments(params)) return (obj as Record<string, unknown>)[carried];
        const mine = ((ctx as unknown as { [kLoaders]?: Map<string, Map<unknown, DataLoader<LoaderQuery, unknown>>> })[kLoaders] ??= new Map());
        let byNode = mine.get(key);
        if (!byNode) mine.set(key, (byNode = new Map()));
        // one batch per field node of the document: two aliases of a field (other arguments) are two batches
        const node = (info as { fieldNodes?: readonly unknown[] } | undefined)?.fieldNodes?.[0];
        let dl = byNode.get(node);
        if (!dl) {
          // the i-th query gets the i-th answer, as with mercurius (DataLoader would fail the whole batch on an
          // answer of another length)
          const batch = async (queries: readonly LoaderQuery[]) => {
            const answers = (await loader(queries as LoaderQuery[] as never, ctx as never)) as unknown[];
            return queries.map((_, i) => answers[i]);
          };
          dl = new DataLoader<LoaderQuery, unknown>(batch, { cache: false, ...(maxBatchSize ? { maxBatchSize } : {}) });
          byNode.set(node, dl);
        }
        return dl.load({ obj, params, info });
      };
    }
  }
  return out as IResolvers;
}

export { DomainError };
