import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import type { Actor } from '../../platform/actor.js';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { ApprovalService } from './approvals.service.js';
import { OrgService } from './org.service.js';
import { organisationResolvers } from './organisation.resolvers.js';
import { organisationRoutes } from './organisation.routes.js';
import { organisationSdl } from './organisation.sdl.js';
import { OwnershipService } from './ownership.service.js';
import { DataScopeCache } from './scope.js';

/** Services of the organisation module: org tree and staff, partner ownership, data scope, approval authority. */
export interface OrganisationServices {
  org: OrgService;
  ownership: OwnershipService;
  approvals: ApprovalService;
  /** the partners a tenant credential may see (undefined: not limited); the auth layer calls it once per request */
  dataScope: {
    (actor: Omit<Actor, 'requestId'>): Promise<readonly string[] | undefined>;
    /** the same answer from the cache without a statement, or undefined when it would need one */
    cached(actor: Omit<Actor, 'requestId'>): { ids: readonly string[] | undefined } | undefined;
  };
}

export function createOrganisationServices(store: Store): OrganisationServices {
  const scopes = new DataScopeCache();
  // staff, unit and ownership writes change scopes: their tenant's cached scopes go at commit
  const changed = (tenantId: string) => scopes.clearTenant(tenantId);
  return {
    org: new OrgService(store, changed),
    ownership: new OwnershipService(store, changed),
    approvals: new ApprovalService(store),
    dataScope: Object.assign((actor: Omit<Actor, 'requestId'>) => scopes.resolve(store.db, actor), {
      cached: (actor: Omit<Actor, 'requestId'>) => scopes.cached(actor),
    }),
  };
}

/** The organisation module: one encapsulated plugin (its zod compilers stay inside). */
export async function organisationModule(app: FastifyInstance, opts: { services: OrganisationServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await organisationRoutes(app, opts.services);
  const g = organisationResolvers(opts.services);
  extendGraphql(app, organisationSdl, g.resolvers, g.loaders);
}
