import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, pageSize, patchInput } from '../../platform/kernel/graphql-args.js';
import { toConnection } from '../../platform/pagination.js';
import type { IntegrationServices } from './index.js';
import type { WebhookEndpoint } from './integration.schemas.js';

type Ctx = MercuriusContext;

export function integrationResolvers(s: IntegrationServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        me: (_: unknown, _a: unknown, ctx: Ctx) => s.apiKeys.me(ctx.actor),
        auditEntries: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, string> }, ctx: Ctx) =>
          toConnection(await s.audit.list(ctx.actor, { ...argsInput(a.filter), ...pageArgs(a) }), (e) => [e.id]),
        events: async (_: unknown, a: { after?: string; types?: string[]; first?: number }, ctx: Ctx) => {
          const page = await s.events.feed(ctx.actor, {
            limit: pageSize(a.first, 100, 1000),
            ...(a.after ? { after: a.after } : {}),
            ...(a.types?.length ? { types: a.types.join(',') } : {}),
          });
          return { events: page.items, nextCursor: page.nextCursor };
        },
        webhookEndpoints: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          (await s.webhooks.list(ctx.actor, { limit: pageSize(a.first), cursor: a.after ?? undefined })).items,
        webhookEndpoint: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(s.webhooks.get(ctx.actor, a.id)),
        apiKeys: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          (await s.apiKeys.list(ctx.actor, { limit: pageSize(a.first), cursor: a.after ?? undefined })).items,
        job: async (_: unknown, a: { id: string }, ctx: Ctx) => {
          const j = await orNull(s.jobs.get(ctx.actor, a.id));
          return j && { ...j, result: j.result };
        },
      },
      Mutation: {
        createWebhookEndpoint: async (_: unknown, a: { input: object }, ctx: Ctx) => {
          const { secret, ...endpoint } = await s.webhooks.create(ctx.actor, argsInput(a.input));
          return { endpoint, secret };
        },
        updateWebhookEndpoint: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          s.webhooks.update(ctx.actor, a.id, { ...patchInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
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
          const { key, ...apiKey } = await s.apiKeys.create(ctx.actor, argsInput(a.input));
          return { apiKey, key };
        },
        revokeApiKey: (_: unknown, a: { id: string }, ctx: Ctx) => s.apiKeys.revoke(ctx.actor, a.id),
      },
    },
    loaders: {
      WebhookEndpoint: {
        recentDeliveries: async (queries: { obj: WebhookEndpoint; params: { last?: number } }[], ctx: Ctx) => {
          const n = Math.max(...queries.map((q) => pageSize(q.params.last, 10, 100)));
          const groups = await s.webhooks.recentDeliveries(
            ctx.actor,
            queries.map((q) => q.obj.id),
            n,
          );
          return groups.map((g, i) => g.slice(0, pageSize(queries[i]!.params.last, 10, 100)));
        },
      },
    },
  };
}
