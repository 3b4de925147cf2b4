import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, boolParam, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { OnboardingServices } from './index.js';
import type { AgreementCore } from './agreements.schemas.js';
import type { PartnerAction } from './onboarding.rules.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;

const byId = <T extends { id: string }>(key = (x: T) => [x.id]) => key;

export function onboardingResolvers(s: OnboardingServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  const { catalog, partners, agreements, crossRegion, rights, applications } = s;
  const conn = <T extends { id: string }>(p: { items: T[]; nextCursor: string | null }) => toConnection(p, byId<T>());

  const resolvers: IResolvers = {
    Query: {
      productLine: (_: unknown, a: Args, ctx: Ctx) => orNull(catalog.getLine(ctx.actor, a['id'])),
      productLines: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(await catalog.listLines(ctx.actor, { ...pageArgs(a), ...argsInput({ q: a['filter']?.q, active: boolParam(a['filter']?.active) }) })),
      product: (_: unknown, a: Args, ctx: Ctx) => orNull(catalog.getProduct(ctx.actor, a['id'])),
      products: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(
          await catalog.listProducts(ctx.actor, {
            ...pageArgs(a),
            ...argsInput({ q: a['filter']?.q, active: boolParam(a['filter']?.active), lineId: a['filter']?.lineId }),
          }),
        ),
      territory: (_: unknown, a: Args, ctx: Ctx) => orNull(catalog.getTerritory(ctx.actor, a['id'])),
      territories: async (_: unknown, a: Args, ctx: Ctx) => {
        const f = a['filter'] ?? {};
        return conn(
          await catalog.listTerritories(ctx.actor, {
            ...pageArgs(a),
            ...argsInput({ q: f.q, active: boolParam(f.active), parentId: f.parentId, level: f.level, root: boolParam(f.root) }),
          }),
        );
      },
      application: (_: unknown, a: Args, ctx: Ctx) => orNull(applications.get(ctx.actor, a['id'])),
      applications: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(await applications.list(ctx.actor, { ...pageArgs(a), ...argsInput({ status: a['status'] }) })),
      applicationAssessment: (_: unknown, a: Args, ctx: Ctx) => applications.assessment(ctx.actor, a['id']),
      checklistItemKinds: (_: unknown, __: Args, ctx: Ctx) => applications.listKinds(ctx.actor),
      checklistItemKindByCode: (_: unknown, a: Args, ctx: Ctx) => orNull(applications.kindByCode(ctx.actor, a['code'])),
      screening: (_: unknown, __: Args, ctx: Ctx) => applications.getScreening(ctx.actor),
      agreement: (_: unknown, a: Args, ctx: Ctx) => orNull(agreements.get(ctx.actor, a['id'])),
      agreements: async (_: unknown, a: Args, ctx: Ctx) => {
        const f = a['filter'] ?? {};
        return conn(
          await agreements.list(ctx.actor, {
            ...pageArgs(a),
            ...argsInput({ partnerId: f.partnerId, status: f.status, expiringWithinDays: f.expiringWithinDays }),
          }),
        );
      },
      crossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => orNull(crossRegion.getCrossRegion(ctx.actor, a['id'])),
      crossRegionRequests: async (_: unknown, a: Args, ctx: Ctx) =>
        conn(
          await crossRegion.listCrossRegion(ctx.actor, { ...pageArgs(a), ...argsInput({ partnerId: a['filter']?.partnerId, status: a['filter']?.status }) }),
        ),
      authorizationCheck: (_: unknown, a: Args, ctx: Ctx) =>
        rights.check(ctx.actor, argsInput({ partner: a['partner'], product: a['product'], territory: a['territory'], date: a['date'] })),
    },
    Partner: {
      rights: (p: { id: string }, a: Args, ctx: Ctx) => rights.rights(ctx.actor, p.id, a['date'] ?? undefined),
    },
    Mutation: {
      transitionPartner: (_: unknown, a: Args, ctx: Ctx) => partners.transition(ctx.actor, a['id'], a['action'] as PartnerAction, a['reason'] ?? null),
      createProductLine: (_: unknown, a: Args, ctx: Ctx) => catalog.createLine(ctx.actor, argsInput(a['input'])),
      updateProductLine: (_: unknown, a: Args, ctx: Ctx) =>
        catalog.updateLine(ctx.actor, a['id'], patchInput({ ...a['input'], version: a['version'] ?? undefined })),
      createProduct: (_: unknown, a: Args, ctx: Ctx) => catalog.createProduct(ctx.actor, argsInput(a['input'])),
      updateProduct: (_: unknown, a: Args, ctx: Ctx) =>
        catalog.updateProduct(ctx.actor, a['id'], patchInput({ ...a['input'], version: a['version'] ?? undefined })),
      createTerritory: (_: unknown, a: Args, ctx: Ctx) => catalog.createTerritory(ctx.actor, argsInput(a['input'])),
      seedTerritoryDivisions: (_: unknown, a: Args, ctx: Ctx) => catalog.seedDivisions(ctx.actor, argsInput({ depth: a['depth'] })),
      updateTerritory: (_: unknown, a: Args, ctx: Ctx) =>
        catalog.updateTerritory(ctx.actor, a['id'], patchInput({ ...a['input'], version: a['version'] ?? undefined })),
      createApplication: (_: unknown, a: Args, ctx: Ctx) => applications.create(ctx.actor, argsInput({ ...a['input'], submit: a['submit'] })),
      updateApplication: (_: unknown, a: Args, ctx: Ctx) =>
        applications.update(ctx.actor, a['id'], patchInput({ ...a['input'], version: a['version'] ?? undefined })),
      submitApplication: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'submit'),
      withdrawApplication: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'withdraw', a['reason'] ?? null),
      startApplicationReview: (_: unknown, a: Args, ctx: Ctx) => applications.act(ctx.actor, a['id'], 'review'),
      recordApplicationChecks: (_: unknown, a: Args, ctx: Ctx) => applications.recordChecks(ctx.actor, a['id'], { items: argsInput<object[]>(a['items']) }),
      recordApplicationScores: (_: unknown, a: Args, ctx: Ctx) => applications.recordScores(ctx.actor, a['id'], { scores: argsInput<object[]>(a['scores']) }),
      approveApplication: async (_: unknown, a: Args, ctx: Ctx) => {
        const r = await applications.approve(ctx.actor, a['id'], argsInput({ reason: a['reason'], agreement: a['agreement'] }));
        return { application: r.application, partner: await partners.get(ctx.actor, r.partnerId), agreement: await agreements.get(ctx.actor, r.agreementId) };
      },
      rejectApplication: (_: unknown, a: Args, ctx: Ctx) => applications.reject(ctx.actor, a['id'], a['reason']),
      createChecklistItemKind: (_: unknown, a: Args, ctx: Ctx) =>
        applications.createKind(ctx.actor, argsInput({ code: a['code'], name: a['name'], required: a['required'] })),
      setScreening: (_: unknown, a: Args, ctx: Ctx) => applications.setScreening(ctx.actor, patchInput({ criteria: a['criteria'], minScore: a['minScore'] })),
      createAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.create(ctx.actor, argsInput(a['input'])),
      updateAgreement: (_: unknown, a: Args, ctx: Ctx) => {
        const { partnerId: _p, number: _n, territories, products, ...rest } = patchInput<Args>(a['input']);
        const lists = { territories: territories && argsInput<object[]>(territories), products: products && argsInput<object[]>(products) };
        return agreements.update(ctx.actor, a['id'], patchInput({ ...rest, ...lists, version: a['version'] ?? undefined }));
      },
      activateAgreement: (_: unknown, a: Args, ctx: Ctx) => agreements.activate(ctx.actor, a['id']),
      terminateAgreement: (_: unknown, a: Args, ctx: Ctx) =>
        agreements.terminate(ctx.actor, a['id'], argsInput({ reason: a['reason'], date: a['date'], note: a['note'] })),
      renewAgreement: (_: unknown, a: Args, ctx: Ctx) =>
        agreements.renew(ctx.actor, a['id'], argsInput({ endDate: a['endDate'], startDate: a['startDate'], number: a['number'] })),
      createCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => crossRegion.createCrossRegion(ctx.actor, argsInput(a['input'])),
      approveCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => crossRegion.decideCrossRegion(ctx.actor, a['id'], 'approve', a['note'] ?? null),
      rejectCrossRegionRequest: (_: unknown, a: Args, ctx: Ctx) => crossRegion.decideCrossRegion(ctx.actor, a['id'], 'reject', a['note'] ?? null),
    },
  };

  type Q<T> = { obj: T }[];
  const loaders: MercuriusLoaders = {
    Partner: {
      history: (q: Q<{ id: string }>, ctx: Ctx) =>
        partners.historyOf(
          ctx.actor,
          q.map((x) => x.obj.id),
        ),
    },
    Product: {
      line: (q: Q<{ lineId: string | null }>, ctx: Ctx) =>
        catalog
          .linesByIds(
            ctx.actor,
            q.map((x) => x.obj.lineId ?? ''),
          )
          .then((r) => r.map((l, i) => (q[i]!.obj.lineId ? l : null))),
    },
    Territory: {
      parent: (q: Q<{ parentId: string | null }>, ctx: Ctx) =>
        catalog
          .territoriesByIds(
            ctx.actor,
            q.map((x) => x.obj.parentId ?? ''),
          )
          .then((r) => r.map((t, i) => (q[i]!.obj.parentId ? t : null))),
      children: (q: Q<{ id: string }>, ctx: Ctx) =>
        catalog.territoryChildren(
          ctx.actor,
          q.map((x) => x.obj.id),
        ),
    },
    Agreement: {
      partner: (q: Q<AgreementCore>, ctx: Ctx) =>
        partners.getMany(
          ctx.actor,
          q.map((x) => x.obj.partnerId),
        ),
      territories: (q: Q<AgreementCore>, ctx: Ctx) =>
        agreements.territoriesOf(
          ctx.actor,
          q.map((x) => x.obj.id),
        ),
      products: (q: Q<AgreementCore>, ctx: Ctx) =>
        agreements.productsOf(
          ctx.actor,
          q.map((x) => x.obj.id),
        ),
    },
    AgreementTerritory: {
      territory: (q: Q<{ territoryId: string }>, ctx: Ctx) =>
        catalog.territoriesByIds(
          ctx.actor,
          q.map((x) => x.obj.territoryId),
        ),
      productLine: (q: Q<{ productLineId: string | null }>, ctx: Ctx) =>
        catalog
          .linesByIds(
            ctx.actor,
            q.map((x) => x.obj.productLineId ?? ''),
          )
          .then((r) => r.map((l, i) => (q[i]!.obj.productLineId ? l : null))),
    },
    AgreementProduct: {
      product: (q: Q<{ productId: string | null }>, ctx: Ctx) =>
        catalog
          .productsByIds(
            ctx.actor,
            q.map((x) => x.obj.productId ?? ''),
          )
          .then((r) => r.map((p, i) => (q[i]!.obj.productId ? p : null))),
      productLine: (q: Q<{ productLineId: string | null }>, ctx: Ctx) =>
        catalog
          .linesByIds(
            ctx.actor,
            q.map((x) => x.obj.productLineId ?? ''),
          )
          .then((r) => r.map((l, i) => (q[i]!.obj.productLineId ? l : null))),
    },
    CrossRegionRequest: {
      partner: (q: Q<{ partnerId: string }>, ctx: Ctx) =>
        partners.getMany(
          ctx.actor,
          q.map((x) => x.obj.partnerId),
        ),
      territory: (q: Q<{ territoryId: string }>, ctx: Ctx) =>
        catalog.territoriesByIds(
          ctx.actor,
          q.map((x) => x.obj.territoryId),
        ),
    },
  };
  return { resolvers, loaders };
}
