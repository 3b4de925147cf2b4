import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { OnboardingServices } from './index.js';
import type { AgreementCore } from './agreements.schemas.js';
import type { PartnerAction } from './onboarding.rules.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;

/** GraphQL sends unset fields as undefined and explicit nulls: keep both meanings (drop undefined only). */
const clean = <T extends object>(o: T | null | undefined): T => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as T;
const first = (n: number | null | undefined) => {
  const v = n ?? 50;
  if (!Number.isInteger(v) || v < 1 || v > 500) throw new DomainError('VALIDATION_FAILED', 'first must be 1-500', { errors: [{ path: 'first', message: 'must be 1-500' }] });
  return v;
};
const page = (a: Args) => ({ limit: first(a['first']), cursor: a['after'] ?? undefined });
const bool = (v: unknown) => (v === true ? 'true' : v === false ? 'false' : undefined);
const nullIfMissing = async <T>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
};
const byId = <T extends { id: string }>(key = (x: T) => [x.id]) => key;

export function onboardingResolvers(s: OnboardingServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  const { catalog, partners, agreements, applications } = s;
  const conn = <T extends { id: string }>(p: { items: T[]; nextCursor: string | null }) => toConnection(p, byId<T>());

  const resolvers: IResolvers = {
    Query: {
      productLine: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(catalog.getLine(ctx.actor, a['id'])),
      productLines: async (_: unknown, a: Args, ctx: Ctx) => conn(await catalog.listLines(ctx.actor, { ...page(a), q: a['filter']?.q ?? undefined, active: bool(a['filter']?.active) })),
      product: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(catalog.getProduct(ctx.actor, a['id'])),
      products: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(await catalog.listProducts(ctx.actor, { ...page(a), q: a['filter']?.q ?? undefined, active: bool(a['filter']?.active), lineId: a['filter']?.lineId ?? undefined })),
      territory: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(catalog.getTerritory(ctx.actor, a['id'])),
      territories: async (_: unknown, a: Args, ctx: Ctx) => {
        const f = a['filter'] ?? {};
        return conn(await catalog.listTerritories(ctx.actor, { ...page(a), q: f.q ?? undefined, active: bool(f.active), parentId: f.parentId ?? undefined, level: f.level ?? undefined, root: bool(f.root) }));
      },
      application: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(applications.get(ctx.actor, a['id'])),
      applications: async (_: unknown, a: Args, ctx: Ctx) => conn(await applications.list(ctx.actor, { ...page(a), status: a['status'] ?? undefined })),
      applicationAssessment: (_: unknown, a: Args, ctx: Ctx) => applications.assessment(ctx.actor, a['id']),
      checklistItemKinds: (_: unknown, __: Args, ctx: Ctx) => applications.listKinds(ctx.actor),
      screening: (_: unknown, __: Args, ctx: Ctx) => applications.getScreening(ctx.actor),
      agreement: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(agreements.get(ctx.actor, a['id'])),
      agreements: async (_: unknown, a: Args, ctx: Ctx) => {
        const f = a['filter'] ?? {};
        return conn(await agreements.list(ctx.actor, { ...page(a), partnerId: f.partnerId ?? undefined, status: f.status ?? undefined, expiringWithinDays: f.expiringWithinDays ?? undefined }));
      },
      crossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => nullIfMissing(agreements.getCrossRegion(ctx.actor, a['id'])),
      crossRegionRequests: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(await agreements.listCrossRegion(ctx.actor, { ...page(a), partnerId: a['filter']?.partnerId ?? undefined, status: a['filter']?.status ?? undefined })),
      authorizationCheck: (_: unknown, a: Args, ctx: Ctx) => agreements.check(ctx.actor, clean({ partner: a['partner'], product: a['product'], territory: a['territory'], date: a['date'] ?? undefined })),
    },
    Partner: {
      rights: (p: { id: string }, a: Args, ctx: Ctx) => agreements.rights(ctx.actor, p.id, a['date'] ?? undefined),
    },
    Mutation: {
      transitionPartner: (_: unknown, a: Args, ctx: Ctx) => partners.transition(ctx.actor, a['id'], a['action'] as PartnerAction, a['reason'] ?? null),
      createProductLine: (_: unknown, a: Args, ctx: Ctx) => catalog.createLine(ctx.actor, clean(a['input'])),
      updateProductLine: (_: unknown, a: Args, ctx: Ctx) => catalog.updateLine(ctx.actor, a['id'], clean({ ...a['input'], version: a['version'] ?? undefined })),
      createProduct: (_: unknown, a: Args, ctx: Ctx) => catalog.createProduct(ctx.actor, clean(a['input'])),
      updateProduct: (_: unknown, a: Args, ctx: Ctx) => catalog.updateProduct(ctx.actor, a['id'], clean({ ...a['input'], version: a['version'] ?? undefined })),
      createTerritory: (_: unknown, a: Args, ctx: Ctx) => catalog.createTerritory(ctx.actor, clean(a['input'])),
      updateTerritory: (_: unknown, a: Args, ctx: Ctx) => catalog.updateTerritory(ctx.actor, a['id'], clean({ ...a['input'], version: a['version'] ?? undefined })),
      createApplication: (_: unknown, a: Args, ctx: Ctx) => applications.create(ctx.actor, clean({ ...clean(a['input']), submit: a['submit'] ?? undefined })),
      updateApplication: (_: unknown, a: Args, ctx: Ctx) => applications.update(ctx.actor, a['id'], clean({ ...clean(a['input']), version: a['version'] ?? undefined })),
      submitApplication: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'submit'),
      withdrawApplication: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'withdraw', a['reason'] ?? null),
      startApplicationReview: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'review'),
      recordApplicationChecks: (_: unknown, a: Args, ctx: Ctx) => applications.recordChecks(ctx.actor, a['id'], { items: a['items'].map((i: object) => clean(i)) }),
      recordApplicationScores: (_: unknown, a: Args, ctx: Ctx) => applications.recordScores(ctx.actor, a['id'], { scores: a['scores'].map((i: object) => clean(i)) }),
      approveApplication: async (_: unknown, a: Args, ctx: Ctx) => {
        const r = await applications.approve(ctx.actor, a['id'], clean({ reason: a['reason'] ?? undefined, agreement: a['agreement'] ? clean(a['agreement']) : undefined }));
        return { application: r.application, partner: await partners.get(ctx.actor, r.partnerId), agreement: await agreements.get(ctx.actor, r.agreementId) };
      },
      rejectApplication: (_: unknown, a: Args, ctx: Ctx) => applications.reject(ctx.actor, a['id'], a['reason']),
      createChecklistItemKind: (_: unknown, a: Args, ctx: Ctx) => applications.createKind(ctx.actor, clean({ code: a['code'], name: a['name'], required: a['required'] ?? undefined })),
      setScreening: (_: unknown, a: Args, ctx: Ctx) => applications.setScreening(ctx.actor, clean({ criteria: a['criteria'], minScore: a['minScore'] })),
      createAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.create(ctx.actor, cleanAgreement(a['input'])),
      updateAgreement: (_: unknown, a: Args, ctx: Ctx) => {
        const { partnerId: _p, number: _n, ...rest } = cleanAgreement(a['input']) as Record<string, unknown>;
        return agreements.update(ctx.actor, a['id'], clean({ ...rest, version: a['version'] ?? undefined }));
      },
      activateAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.activate(ctx.actor, a['id']),
      terminateAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.terminate(ctx.actor, a['id'], clean({ reason: a['reason'], date: a['date'] ?? undefined, note: a['note'] ?? undefined })),
      renewAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.renew(ctx.actor, a['id'], clean({ endDate: a['endDate'], startDate: a['startDate'] ?? undefined, number: a['number'] ?? undefined })),
      createCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => agreements.createCrossRegion(ctx.actor, clean(a['input'])),
      approveCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => agreements.decideCrossRegion(ctx.actor, a['id'], 'approve', a['note'] ?? null),
      rejectCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => agreements.decideCrossRegion(ctx.actor, a['id'], 'reject', a['note'] ?? null),
    },
  };

  type Q<T> = { obj: T }[];
  const loaders: MercuriusLoaders = {
    Partner: {
      history: (q: Q<{ id: string }>, ctx: Ctx) => partners.historyOf(ctx.actor, q.map((x) => x.obj.id)),
    },
    Product: {
      line: (q: Q<{ lineId: string | null }>, ctx: Ctx) => catalog.linesByIds(ctx.actor, q.map((x) => x.obj.lineId ?? '')).then((r) => r.map((l, i) => (q[i]!.obj.lineId ? l : null))),
    },
    Territory: {
      parent: (q: Q<{ parentId: string | null }>, ctx: Ctx) => catalog.territoriesByIds(ctx.actor, q.map((x) => x.obj.parentId ?? '')).then((r) => r.map((t, i) => (q[i]!.obj.parentId ? t : null))),
      children: (q: Q<{ id: string }>, ctx: Ctx) => catalog.territoryChildren(ctx.actor, q.map((x) => x.obj.id)),
    },
    Agreement: {
      partner: (q: Q<AgreementCore>, ctx: Ctx) => partners.getMany(ctx.actor, q.map((x) => x.obj.partnerId)),
      territories: (q: Q<AgreementCore>, ctx: Ctx) => agreements.territoriesOf(ctx.actor, q.map((x) => x.obj.id)),
      products: (q: Q<AgreementCore>, ctx: Ctx) => agreements.productsOf(ctx.actor, q.map((x) => x.obj.id)),
    },
    AgreementTerritory: {
      territory: (q: Q<{ territoryId: string }>, ctx: Ctx) => catalog.territoriesByIds(ctx.actor, q.map((x) => x.obj.territoryId)),
      productLine: (q: Q<{ productLineId: string | null }>, ctx: Ctx) =>
        catalog.linesByIds(ctx.actor, q.map((x) => x.obj.productLineId ?? '')).then((r) => r.map((l, i) => (q[i]!.obj.productLineId ? l : null))),
    },
    AgreementProduct: {
      product: (q: Q<{ productId: string | null }>, ctx: Ctx) => catalog.productsByIds(ctx.actor, q.map((x) => x.obj.productId ?? '')).then((r) => r.map((p, i) => (q[i]!.obj.productId ? p : null))),
      productLine: (q: Q<{ productLineId: string | null }>, ctx: Ctx) =>
        catalog.linesByIds(ctx.actor, q.map((x) => x.obj.productLineId ?? '')).then((r) => r.map((l, i) => (q[i]!.obj.productLineId ? l : null))),
    },
    CrossRegionRequest: {
      partner: (q: Q<{ partnerId: string }>, ctx: Ctx) => partners.getMany(ctx.actor, q.map((x) => x.obj.partnerId)),
      territory: (q: Q<{ territoryId: string }>, ctx: Ctx) => catalog.territoriesByIds(ctx.actor, q.map((x) => x.obj.territoryId)),
    },
  };
  return { resolvers, loaders };
}

function cleanAgreement(input: Record<string, any>) {
  const c = clean(input) as Record<string, any>;
  if (c['territories']) c['territories'] = c['territories'].map((t: object) => clean(t));
  if (c['products']) c['products'] = c['products'].map((p: object) => clean(p));
  return c;
}
