import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import type { Actor, Period } from '../../platform/kernel/index.js';
import { analyticsRoutes } from './analytics.routes.js';
import { analyticsResolvers } from './analytics.resolvers.js';
import { analyticsSdl } from './analytics.sdl.js';
import { AnalyticsService, territoryTree } from './analytics.service.js';
import type { GroupingTree } from './contract.js';
import { accountManagerTree, orgUnitTree } from './org-trees.js';

export interface AnalyticsServices {
  analytics: AnalyticsService;
}

/**
 * `periods`: the tenant's period labels and settings (the target module's TargetService; `settings` gives the
 * sales basis the roll-ups resolve before their statement). Built-in trees: `territory` (partners'
 * home territories), `org_unit` and `account_manager` (the organisation module's ownership on the date); `trees`
 * adds or replaces trees (tests plug in crafted ones).
 */
export function createAnalyticsServices(
  store: Store,
  deps: {
    periods: { period(actor: Actor, label: string): Promise<Period>; settings?(actor: Actor): Promise<{ salesBasis: 'sell_through' | 'sell_in' }> };
    trees?: Record<string, GroupingTree>;
  },
): AnalyticsServices {
  const trees = { territory: territoryTree, org_unit: orgUnitTree, account_manager: accountManagerTree, ...deps.trees };
  const { periods } = deps;
  const basis = periods.settings ? async (actor: Actor) => (await periods.settings!(actor)).salesBasis : undefined;
  return { analytics: new AnalyticsService(store, (actor, label) => periods.period(actor, label), trees, basis) };
}

/** The analytics module: one encapsulated plugin (its zod compilers stay inside). */
export async function analyticsModule(app: FastifyInstance, opts: { services: AnalyticsServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await analyticsRoutes(app, opts.services);
  extendGraphql(app, analyticsSdl, analyticsResolvers(opts.services));
}
