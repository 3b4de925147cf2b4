import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  decodeUuidCursor,
  iso,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  today,
  toPage,
  visiblePartnerIds,
  type Actor,
  type Page,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { assertScopeTarget, loadPartner, lockScope } from './policy.common.js';
import { mergeTerms, partnerScopes, scopeKey } from './policy.rules.js';
import { PublishInput, TERM_FIELDS, TermsCreate, TermsResolveQuery, TermsUpdate, type ChannelTerms, type ResolvedTerms } from './policy.schemas.js';
import { channelTerms, type ChannelTermsRow } from './policy.tables.js';

export const toTerms = (r: ChannelTermsRow): ChannelTerms => ({
  id: r.id,
  name: r.name,
  scope: { kind: r.scopeKind, value: r.scopeValue },
  status: r.status,
  effectiveFrom: r.effectiveFrom,
  effectiveTo: r.effectiveTo,
  returnWindowDays: r.returnWindowDays,
  returnConditions: r.returnConditions,
  creditLimit: r.creditLimit,
  creditCurrency: r.creditCurrency,
  paymentTermsDays: r.paymentTermsDays,
  territoryExclusivity: r.territoryExclusivity,
  crossRegionSelling: r.crossRegionSelling,
  discountRules: r.discountRules,
  copiedFromId: r.copiedFromId,
  publishedAt: iso(r.publishedAt),
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

function checkTerms(t: { effectiveFrom: string | null; effectiveTo: string | null; creditLimit: string | null; creditCurrency: string | null }) {
  if (t.effectiveFrom && t.effectiveTo && t.effectiveTo < t.effectiveFrom) throw invalid('effectiveTo', 'must not be before effectiveFrom');
  if ((t.creditLimit === null) !== (t.creditCurrency === null)) throw invalid('creditCurrency', 'creditLimit and creditCurrency go together');
}

/** Channel terms (return policy, credit and payment terms, channel protection) per scope, versioned by dates. */
/**
 * Channel terms scoped to a partner are confined like that partner's data: a credential limited to a staff data scope
 * (or a partner credential) reads and writes only its partners' terms and the non-partner ones. Undefined: not limited.
 */
function termsVisible(actor: Actor): SQL | undefined {
  const ids = visiblePartnerIds(actor);
  if (!ids) return undefined;
  return sql`(${channelTerms.scopeKind} <> 'partner' or ${channelTerms.scopeValue} = any(${`{${ids.join(',')}}`}::text[]))`;
}

export class TermsService {
  constructor(private readonly store: Store) {}

  async create(actor: Actor, input: unknown): Promise<ChannelTerms> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(TermsCreate, input);
    // a staff data scope confines tenant-side writes: terms for a partner outside it are 404, like the partner
    if (data.scope.kind === 'partner' && data.scope.value) requireOwnPartner(actor, data.scope.value);
    return this.store.write(actor, async (w) => {
      await assertScopeTarget(w.tx, w.tenantId, data.scope);
      let src: ChannelTermsRow | undefined;
      if (data.copyFrom) {
        [src] = await w.tx
          .select()
          .from(channelTerms)
          .where(and(eq(channelTerms.tenantId, w.tenantId), eq(channelTerms.id, data.copyFrom), termsVisible(actor)));
        if (!src) throw invalid('copyFrom', `no channel terms '${data.copyFrom}'`);
      }
      const pick = <K extends (typeof TERM_FIELDS)[number]>(k: K) => (data[k] !== undefined ? data[k] : (src?.[k] ?? null));
      const values = {
        tenantId: w.tenantId,
        id: uuidv7(),
        name: data.name,
        scopeKind: data.scope.kind,
        scopeValue: data.scope.value,
        status: 'draft' as const,
        effectiveFrom: data.effectiveFrom ?? null,
        effectiveTo: data.effectiveTo ?? null,
        returnWindowDays: pick('returnWindowDays') as number | null,
        returnConditions: pick('returnConditions') as string | null,
        creditLimit: pick('creditLimit') as string | null,
        creditCurrency: pick('creditCurrency') as string | null,
        paymentTermsDays: pick('paymentTermsDays') as number | null,
        territoryExclusivity: pick('territoryExclusivity') as boolean | null,
        crossRegionSelling: pick('crossRegionSelling') as ChannelTermsRow['crossRegionSelling'],
        discountRules: pick('discountRules') as ChannelTermsRow['discountRules'],
        copiedFromId: src?.id ?? null,
      };
      checkTerms(values);
      const [row] = await w.tx.insert(channelTerms).values(values).returning();
      const t = toTerms(row!);
      w.audit({ resourceType: 'channel_terms', resourceId: t.id, action: 'create', before: null, after: t });
      return t;
    });
  }

  async get(actor: Actor, id: string): Promise<ChannelTerms> {
    requireTenantUser(actor, 'policy:read');
    const [row] = await this.store.db
      .select()
      .from(channelTerms)
      .where(and(eq(channelTerms.tenantId, actor.tenantId), eq(channelTerms.id, id), termsVisible(actor)));
    if (!row) throw notFound('channel terms', id);
    return toTerms(row);
  }

  async list(actor: Actor, input: { status?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<ChannelTerms>> {
    requireTenantUser(actor, 'policy:read');
    const after = decodeUuidCursor(input.cursor);
    const conds: (SQL | undefined)[] = [eq(channelTerms.tenantId, actor.tenantId), termsVisible(actor)];
    if (input.status) conds.push(eq(channelTerms.status, input.status as ChannelTermsRow['status']));
    if (after) conds.push(gt(channelTerms.id, after));
    const rows = await this.store.db
      .select()
      .from(channelTerms)
      .where(and(...conds))
      .orderBy(asc(channelTerms.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toTerms), input.limit, (t) => [t.id]);
  }

  private async lock(w: Work, id: string): Promise<ChannelTermsRow> {
    const [row] = await w.tx
      .select()
      .from(channelTerms)
      .where(and(eq(channelTerms.tenantId, w.tenantId), eq(channelTerms.id, id), termsVisible(w.actor)))
      .for('update');
    if (!row) throw notFound('channel terms', id);
    return row;
  }

  async update(actor: Actor, id: string, input: unknown): Promise<ChannelTerms> {
    requireTenantUser(actor, 'policy:write');
    const patch = parseInput(TermsUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      if (before.status !== 'draft') {
        throw new DomainError('CONFLICT', `These channel terms are ${before.status} and can no longer be changed; create new terms with copyFrom`, {
          extra: { termsStatus: before.status },
        });
      }
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the terms are at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      const { version: _v, ...fields } = patch;
      const changes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) changes[k] = v;
      if (!Object.keys(changes).length) return toTerms(before);
      checkTerms({ ...before, ...changes } as ChannelTermsRow);
      const [row] = await w.tx
        .update(channelTerms)
        .set({ ...changes, version: sql`${channelTerms.version} + 1`, updatedAt: new Date() })
        .where(and(eq(channelTerms.tenantId, w.tenantId), eq(channelTerms.id, id)))
        .returning();
      const t = toTerms(row!);
      w.audit({ resourceType: 'channel_terms', resourceId: id, action: 'update', before: toTerms(before), after: t });
      return t;
    });
  }

  /** draft -> published, refused (409) when published terms of the same scope overlap in time. */
  async publish(actor: Actor, id: string, input: unknown = {}): Promise<ChannelTerms> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(PublishInput, input ?? {});
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      if (before.status !== 'draft')
        throw new DomainError('ILLEGAL_TRANSITION', `These channel terms are already ${before.status}; only a draft can be published`);
      const from = data.effectiveFrom ?? before.effectiveFrom;
      const to = data.effectiveTo !== undefined ? data.effectiveTo : before.effectiveTo;
      if (!from) throw invalid('effectiveFrom', 'is required to publish');
      if (to && to < from) throw invalid('effectiveTo', 'must not be before effectiveFrom');
      await lockScope(w.tx, w.tenantId, 'terms', { kind: before.scopeKind, value: before.scopeValue });
      const [other] = await w.tx
        .select()
        .from(channelTerms)
        .where(
          and(
            eq(channelTerms.tenantId, w.tenantId),
            eq(channelTerms.status, 'published'),
            eq(channelTerms.scopeKind, before.scopeKind),
            before.scopeValue === null ? isNull(channelTerms.scopeValue) : eq(channelTerms.scopeValue, before.scopeValue),
            to ? lte(channelTerms.effectiveFrom, to) : undefined,
            or(isNull(channelTerms.effectiveTo), gte(channelTerms.effectiveTo, from)),
          ),
        )
        .limit(1);
      if (other) {
        throw new DomainError(
          'CONFLICT',
          `Channel terms '${other.name}' (${other.id}) are published in the same scope for ${other.effectiveFrom}..${other.effectiveTo ?? 'open'}, overlapping these dates`,
          {
            extra: { conflicts: [{ termsId: other.id, effectiveFrom: other.effectiveFrom, effectiveTo: other.effectiveTo }] },
          },
        );
      }
      const [row] = await w.tx
        .update(channelTerms)
        .set({
          status: 'published',
          effectiveFrom: from,
          effectiveTo: to ?? null,
          publishedAt: new Date(),
          version: sql`${channelTerms.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(channelTerms.tenantId, w.tenantId), eq(channelTerms.id, id)))
        .returning();
      const t = toTerms(row!);
      w.audit({ resourceType: 'channel_terms', resourceId: id, action: 'publish', before: toTerms(before), after: t });
      w.emit({ type: 'policy.terms_published', resourceType: 'channel_terms', resourceId: id, payload: { terms: t } });
      return t;
    });
  }

  async retire(actor: Actor, id: string): Promise<ChannelTerms> {
    requireTenantUser(actor, 'policy:write');
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      if (before.status !== 'published')
        throw new DomainError('ILLEGAL_TRANSITION', `These channel terms are ${before.status}; only published terms can be retired`);
      const [row] = await w.tx
        .update(channelTerms)
        .set({ status: 'retired', version: sql`${channelTerms.version} + 1`, updatedAt: new Date() })
        .where(and(eq(channelTerms.tenantId, w.tenantId), eq(channelTerms.id, id)))
        .returning();
      const t = toTerms(row!);
      w.audit({ resourceType: 'channel_terms', resourceId: id, action: 'retire', before: toTerms(before), after: t });
      return t;
    });
  }

  /** The terms for a partner on a date, field by field from the most specific scope that sets it. */
  async resolve(actor: Actor, input: unknown): Promise<ResolvedTerms> {
    requireScope(actor, 'policy:read');
    const q = parseInput(TermsResolveQuery, input);
    const partner = await loadPartner(this.store.db, actor, q.partner);
    const date = q.date ?? today();
    const scopes = partnerScopes(partner, q.channel);
    const rows = await this.store.db
      .select()
      .from(channelTerms)
      .where(
        and(
          eq(channelTerms.tenantId, actor.tenantId),
          eq(channelTerms.status, 'published'),
          lte(channelTerms.effectiveFrom, date),
          or(isNull(channelTerms.effectiveTo), gte(channelTerms.effectiveTo, date)),
          inArray(sql`${channelTerms.scopeKind} || ':' || coalesce(${channelTerms.scopeValue}, '')`, scopes.map(scopeKey)),
        ),
      );
    const merged = mergeTerms(
      rows.map((r) => ({
        id: r.id,
        scope: { kind: r.scopeKind, value: r.scopeValue },
        effectiveFrom: r.effectiveFrom!,
        effectiveTo: r.effectiveTo,
        fields: Object.fromEntries(TERM_FIELDS.map((f) => [f, r[f]])),
      })),
      scopes,
      date,
      TERM_FIELDS,
    );
    return { partnerId: partner.id, date, ...merged } as ResolvedTerms;
  }
}
