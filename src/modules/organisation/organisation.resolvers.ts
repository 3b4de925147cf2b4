import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { OrganisationServices } from './index.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;
const byId = (x: { id: string }) => [x.id];

export function organisationResolvers(s: OrganisationServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  // one query per batch of parents, whatever the page size
  const unitLoader = async (queries: { obj: { parentId?: string | null; orgUnitId?: string | null } }[], ctx: Ctx, key: 'parentId' | 'orgUnitId') => {
    const ids = queries.map((q) => q.obj[key] ?? null);
    const units = await s.org.unitsById(
      ctx.actor,
      ids.filter((x): x is string => !!x),
    );
    return ids.map((id) => (id ? (units.get(id) ?? null) : null));
  };
  return {
    resolvers: {
      Query: {
        orgUnit: (_: unknown, a: Args, ctx: Ctx) => orNull(s.org.getUnit(ctx.actor, a.id)),
        orgUnits: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.org.listUnits(ctx.actor, { ...pageArgs(a), ...argsInput({ kind: a.kind, parent: a.parent }) }), byId),
        staffMember: (_: unknown, a: Args, ctx: Ctx) => orNull(s.org.getStaff(ctx.actor, a.id)),
        staffMembers: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.org.listStaff(ctx.actor, { ...pageArgs(a), ...argsInput({ post: a.post, orgUnit: a.orgUnit }) }), byId),
        myStaffMember: (_: unknown, _a: Args, ctx: Ctx) => orNull(s.org.me(ctx.actor)),
        partnerOwnerships: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(
            await s.ownership.list(ctx.actor, { ...pageArgs(a), ...argsInput({ orgUnit: a.orgUnit, accountManager: a.accountManager, asOf: a.asOf }) }),
            byId,
          ),
        partnerOwnership: (_: unknown, a: Args, ctx: Ctx) => orNull(s.ownership.current(ctx.actor, a.partner, a.asOf ?? undefined)),
        partnerOwnershipHistory: (_: unknown, a: Args, ctx: Ctx) => s.ownership.history(ctx.actor, a.partner),
        approvalPolicies: (_: unknown, _a: Args, ctx: Ctx) => s.approvals.listPolicies(ctx.actor),
        approvalPolicy: (_: unknown, a: Args, ctx: Ctx) => orNull(s.approvals.getPolicy(ctx.actor, a.kind)),
        approvalRequest: (_: unknown, a: Args, ctx: Ctx) => orNull(s.approvals.get(ctx.actor, a.id)),
        approvalRequests: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.approvals.list(ctx.actor, { ...pageArgs(a), ...argsInput({ kind: a.kind, status: a.status, mine: a.mine }) }), byId),
      },
      Mutation: {
        createOrgUnit: (_: unknown, a: Args, ctx: Ctx) => s.org.createUnit(ctx.actor, argsInput(a.input)),
        updateOrgUnit: (_: unknown, a: Args, ctx: Ctx) => s.org.updateUnit(ctx.actor, a.id, patchInput(a.input)),
        createStaffMember: (_: unknown, a: Args, ctx: Ctx) => s.org.createStaff(ctx.actor, argsInput(a.input)),
        updateStaffMember: (_: unknown, a: Args, ctx: Ctx) => s.org.updateStaff(ctx.actor, a.id, patchInput(a.input)),
        assignPartnerOwnership: (_: unknown, a: Args, ctx: Ctx) => s.ownership.assign(ctx.actor, argsInput(a.input)),
        bulkAssignPartnerOwnership: (_: unknown, a: Args, ctx: Ctx) => s.ownership.bulkAssign(ctx.actor, { items: argsInput(a.items) }),
        putApprovalPolicy: async (_: unknown, a: Args, ctx: Ctx) => (await s.approvals.putPolicy(ctx.actor, a.kind, argsInput(a.input))).policy,
        createApprovalRequest: (_: unknown, a: Args, ctx: Ctx) => s.approvals.create(ctx.actor, argsInput(a.input)),
        approveApprovalStep: (_: unknown, a: Args, ctx: Ctx) => s.approvals.decide(ctx.actor, a.id, 'approved', argsInput({ note: a.note })),
        rejectApprovalStep: (_: unknown, a: Args, ctx: Ctx) => s.approvals.decide(ctx.actor, a.id, 'rejected', argsInput({ note: a.note })),
      },
    },
    loaders: {
      OrgUnit: { parent: (q: { obj: { parentId: string | null } }[], ctx: Ctx) => unitLoader(q, ctx, 'parentId') },
      StaffMember: { orgUnit: (q: { obj: { orgUnitId: string | null } }[], ctx: Ctx) => unitLoader(q, ctx, 'orgUnitId') },
      PartnerOwnership: { orgUnit: (q: { obj: { orgUnitId: string } }[], ctx: Ctx) => unitLoader(q, ctx, 'orgUnitId') },
    },
  };
}
