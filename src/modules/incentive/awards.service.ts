import { and, eq, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  type Actor,
  decodeUuidCursor,
  keyset,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  toPage,
} from '../../platform/kernel/index.js';
import { invalid } from '../../platform/errors.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, partnersById } from '../onboarding/contract.js';
import { AwardCreate, AwardListQuery, type Award } from './incentive.schemas.js';
import { incentivePrograms, recognitionAwards, type AwardRow } from './incentive.tables.js';

export const AWARD_EVENTS = { granted: 'recognition.granted' } as const;

export function toAward(r: AwardRow): Award {
  return {
    id: r.id,
    partnerId: r.partnerId,
    programId: r.programId,
    period: r.period,
    title: r.title,
    citation: r.citation,
    rank: r.rank,
    basis: r.basis ?? null,
    grantedBy: r.grantedBy,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Non-monetary recognition (表彰优秀分销商): manual grants; runs of recognition programs grant the top N. */
export class AwardService {
  constructor(private readonly store: Store) {}

  async grant(actor: Actor, input: unknown): Promise<Award> {
    requireTenantUser(actor, 'incentives:write');
    const data = parseInput(AwardCreate, input);
    requireOwnPartner(actor, data.partnerId); // a staff data scope confines tenant-side writes (404)
    return this.store.write(actor, async (w) => {
      if (!(await partnersById(w.tx, w.tenantId, [data.partnerId])).has(data.partnerId))
        throw invalid('partnerId', `no partner '${data.partnerId}' in this tenant`);
      if (data.programId) {
        const [prog] = await w.tx
          .select({ type: incentivePrograms.type })
          .from(incentivePrograms)
          .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.id, data.programId)));
        if (!prog) throw invalid('programId', `no program '${data.programId}' in this tenant`);
        if (prog.type !== 'recognition') throw invalid('programId', 'is not a recognition program');
      }
      const [award] = await this.insertInWork(w, [
        {
          partnerId: data.partnerId,
          programId: data.programId ?? null,
          period: data.period,
          title: data.title,
          citation: data.citation ?? null,
          rank: null,
          basis: null,
        },
      ]);
      return award!;
    });
  }

  async insertInWork(
    w: Work,
    awards: {
      partnerId: string;
      programId: string | null;
      period: string;
      title: string;
      citation: string | null;
      rank: number | null;
      basis: Record<string, unknown> | null;
    }[],
  ): Promise<Award[]> {
    if (!awards.length) return [];
    const rows = await w.tx
      .insert(recognitionAwards)
      .values(awards.map((a) => ({ tenantId: w.tenantId, id: uuidv7(), grantedBy: w.actor.subject, ...a })))
      .returning();
    const out = rows.map(toAward);
    for (const a of out) {
      w.audit({ resourceType: 'recognition_award', resourceId: a.id, action: 'grant', before: null, after: a });
      w.emit({ type: AWARD_EVENTS.granted, resourceType: 'recognition_award', resourceId: a.id, payload: { award: a } });
    }
    return out;
  }

  async list(
    actor: Actor,
    input: {
      partnerId?: string | undefined;
      period?: string | undefined;
      programId?: string | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<Award>> {
    requireScope(actor, 'incentives:read');
    const f = parseInput(AwardListQuery, { partnerId: input.partnerId, period: input.period, programId: input.programId });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [recognitionAwards.id], after);
    const conds: (SQL | undefined)[] = [eq(recognitionAwards.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, recognitionAwards.partnerId));
    if (f.partnerId) conds.push(eq(recognitionAwards.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (f.period) conds.push(eq(recognitionAwards.period, f.period));
    if (f.programId) conds.push(eq(recognitionAwards.programId, f.programId));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(recognitionAwards)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toAward), input, (a) => [a.id]);
  }
}
