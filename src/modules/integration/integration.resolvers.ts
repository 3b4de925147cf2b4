import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { IntegrationServices } from './index.js';
import type { WebhookEndpoint } from './integration.schemas.js';

type Ctx = MercuriusContext;

function clean<T extends object>(input: T | null | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

const first = (n: number | null | undefined, dflt = 50, max = 500) => {
  const v = n ?? dflt;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new DomainError('VALIDATION_FAILED', `first must be 1-${max}`, { errors: [{ path: 'first', message: `must be 1-${max}` }] });
  }
  return v;
};

const nullIfNotFound = async <T>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
};

export function integrationResolvers(s: IntegrationServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        auditEntries: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, string> }, ctx: Ctx) =>
          toConnection(await s.audit.list(ctx.actor, { ...clean(a.filter), limit: first(a.first), cursor: a.after ?? undefined }), (e) => [e.id]),
        events: async (_: unknown, a: { after?: string; types?: string[]; first?: number }, ctx: Ctx) => {
          const page = await s.events.feed(ctx.actor, {
            limit: first(a.first, 100, 1000),
            ...(a.after ? { after: a.after } : {}),
            ...(a.types?.length ? { types: a.types.join(',') } : {}),
          });
          return { events: page.items, nextCursor: page.nextCursor };
        },
        webhookEndpoints: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          (await s.webhooks.list(ctx.actor, { limit: first(a.first), cursor: a.after ?? undefined })).items,
        webhookEndpoint: (_: unknown, a: { id: string }, ctx: Ctx) => nullIfNotFound(s.webhooks.get(ctx.actor, a.id)),
        apiKeys: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          (await s.apiKeys.list(ctx.actor, { limit: first(a.first), cursor: a.after ?? undefined })).items,
        job: async (_: unknown, a: { id: string }, ctx: Ctx) => {
          const j = await nullIfNotFound(s.jobs.get(ctx.actor, a.id));
          return j && { ...j, result: j.result };
        },
      },
      Mutation: {
        createWebhookEndpoint: async (_: unknown, a: { input: object }, ctx: Ctx) => {
          const { secret, ...endpoint } = await s.webhooks.create(ctx.actor, clean(a.input));
          return { endpoint, secret };
        },
        updateWebhookEndpoint: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          s.webhooks.update(ctx.actor, a.id, { ...clean(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        deleteWebhookEndpoint: async (_: unknown, a: { id: string }, ctx: Ctx) => {
          await s.webhooks.remove(ctx.actor, a.id);
          return true;
        },
        rotateWebhookSecret: async (_: unknown, a: { id: string; overlapSeconds?: number | null }, ctx: Ctx) => {
          const { secret, ...endpoint } = await s.webhooks.rotateSecret(ctx.actor, a.id, a.overlapSeconds != null ? { overlapSeconds: a.overlapSeconds } : {});
          return { endpoint, secret };
        },
        pingWebhookEndpoint: (_: unknown, a: { id: string }, ctx: Ctx) => s.webhooks.ping(ctx.actor, a.id),
        redeliverWebhook: (_: unknown, a: { endpointId: string; deliveryId: string }, ctx: Ctx) => s.webhooks.redeliver(ctx.actor, a.endpointId, a.deliveryId),
        createApiKey: async (_: unknown, a: { input: object }, ctx: Ctx) => {
          const { key, ...apiKey } = await s.apiKeys.create(ctx.actor, clean(a.input));
          return { apiKey, key };
        },
        revokeApiKey: (_: unknown, a: { id: string }, ctx: Ctx) => s.apiKeys.revoke(ctx.actor, a.id),
      },
    },
    loaders: {
      WebhookEndpoint: {
        recentDeliveries: async (queries: { obj: WebhookEndpoint; params: { last?: number } }[], ctx: Ctx) => {
          const n = Math.max(...queries.map((q) => first(q.params.last, 10, 100)));
          const groups = await s.webhooks.recentDeliveries(
            ctx.actor,
            queries.map((q) => q.obj.id),
            n,
          );
          return groups.map((g, i) => g.slice(0, first(queries[i]!.params.last, 10, 100)));
        },
      },
    },
  };
}
