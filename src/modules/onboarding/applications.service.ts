import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound, validationError, type FieldError } from '../../platform/errors.js';
import { decodeUuidCursor, hasScope, iso, requireScope, requireTenantUser, today, toPage, type Actor, type Page, keyset } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import type { AgreementService } from './agreements.service.js';
import {
  ApplicationCreate,
  ApplicationUpdate,
  ApproveBody,
  ChecklistKindCreate,
  ChecklistKindUpdate,
  ChecksBody,
  Screening,
  ScoresBody,
  type Application,
  type Assessment,
  type ChecklistKind,
} from './applications.schemas.js';
import {
  addDays,
  applicationTransition,
  checkWeights,
  evaluateChecklist,
  meetsMinimum,
  weightedScore,
  type ApplicationAction,
  type ApplicationStatus,
} from './onboarding.rules.js';
import { productLines, territories } from './catalog.tables.js';
import { applicationChecks, applications, applicationScores, checklistItemKinds, onboardingSettings, screeningCriteria } from './onboarding.tables.js';
import type { PartnerService } from './partners.service.js';
import { partners } from './partners.tables.js';

type Row = typeof applications.$inferSelect;
export const APPLICATION_EVENTS = { submitted: 'application.submitted', decided: 'application.decided' } as const;

export function toApplication(r: Row): Application {
  return {
    id: r.id,
    status: r.status as ApplicationStatus,
    partnerCode: r.partnerCode,
    legalName: r.legalName,
    partnerType: r.partnerType as Application['partnerType'],
    channel: r.channel as Application['channel'],
    contactName: r.contactName,
    contactEmail: r.contactEmail,
    contactPhone: r.contactPhone,
    address: r.address ?? null,
    requestedTerritoryIds: r.requestedTerritoryIds,
    requestedProductLineIds: r.requestedProductLineIds,
    capabilities: r.capabilities,
    documents: r.documents as unknown as Record<string, unknown>[],
    submittedBy: r.submittedBy,
    submittedAt: iso(r.submittedAt),
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    decisionReason: r.decisionReason,
    partnerId: r.partnerId,
    agreementId: r.agreementId,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Portal backends with only `applications:submit` see their own submissions; onboarding:read sees all. */
function canSeeAll(actor: Actor) {
  return hasScope(actor, 'onboarding:read');
}
function requireSubmitter(actor: Actor) {
  requireTenantUser(actor, 'applications:submit', 'onboarding:write');
}

/**
 * Every territory and product line an application names must be one of the caller's tenant: ids of another
 * tenant (or of nothing) are refused with 400, naming the field and the position.
 */
async function assertCatalogIds(w: Work, d: { requestedTerritoryIds?: string[] | undefined; requestedProductLineIds?: string[] | undefined }): Promise<void> {
  const errors: FieldError[] = [];
  const check = async (field: string, ids: string[] | undefined, table: typeof territories | typeof productLines, what: string) => {
    if (!ids?.length) return;
    const found = await w.tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.tenantId, w.tenantId), inArray(table.id, [...new Set(ids)])));
    const known = new Set(found.map((r) => r.id));
    ids.forEach((id, i) => {
      if (!known.has(id)) errors.push({ path: `${field}.${i}`, message: `${what} '${id}' does not exist` });
    });
  };
  await check('requestedTerritoryIds', d.requestedTerritoryIds, territories, 'territory');
  await check('requestedProductLineIds', d.requestedProductLineIds, productLines, 'product line');
  if (errors.length) throw validationError(errors);
}

export class ApplicationService {
  constructor(
    private readonly store: Store,
    private readonly partners: PartnerService,
    private readonly agreements: AgreementService,
  ) {}

  // ------------------------------------------------------------ applications
  async create(actor: Actor, input: unknown): Promise<Application> {
    requireSubmitter(actor);
    const { submit, ...d } = parseInput(ApplicationCreate, input);
    return this.store.write(actor, async (w) => {
      await assertCatalogIds(w, d);
      const [row] = await w.tx
        .insert(applications)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          status: submit ? 'submitted' : 'draft',
          partnerCode: d.partnerCode,
          legalName: d.legalName,
          partnerType: d.partnerType,
          channel: d.channel,
          contactName: d.contactName ?? null,
          contactEmail: d.contactEmail ?? null,
          contactPhone: d.contactPhone ?? null,
          address: d.address ?? null,
          requestedTerritoryIds: d.requestedTerritoryIds,
          requestedProductLineIds: d.requestedProductLineIds,
          capabilities: d.capabilities,
          documents: d.documents,
          submittedBy: actor.subject,
          submittedAt: submit ? new Date() : null,
        })
        .returning();
      const out = toApplication(row!);
      w.audit({ resourceType: 'application', resourceId: out.id, action: 'create', after: out });
      if (submit) w.emit({ type: APPLICATION_EVENTS.submitted, resourceType: 'application', resourceId: out.id, payload: { application: out } });
      return out;
    });
  }

  async update(actor: Actor, id: string, input: unknown): Promise<Application> {
    requireSubmitter(actor);
    const { version, ...patch } = parseInput(ApplicationUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lockVisible(w, id);
      if (version !== undefined && version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${version} is stale; the application is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (before.status !== 'draft') throw new DomainError('CONFLICT', `Only a draft application can be edited; this one is ${before.status}`);
      await assertCatalogIds(w, patch);
      const [row] = await w.tx
        .update(applications)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() } as Partial<Row>)
        .where(and(eq(applications.tenantId, w.tenantId), eq(applications.id, id)))
        .returning();
      const out = toApplication(row!);
      w.audit({ resourceType: 'application', resourceId: id, action: 'update', before: toApplication(before), after: out });
      return out;
    });
  }

  async get(actor: Actor, id: string): Promise<Application> {
    requireTenantUser(actor, 'onboarding:read', 'applications:submit');
    const [row] = await this.store.db
      .select()
      .from(applications)
      .where(and(eq(applications.tenantId, actor.tenantId), eq(applications.id, id)));
    if (!row || (!canSeeAll(actor) && row.submittedBy !== actor.subject)) throw notFound('application', id);
    return toApplication(row);
  }

  async list(
    actor: Actor,
    input: { status?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<Application>> {
    requireTenantUser(actor, 'onboarding:read', 'applications:submit');
    const conds: (SQL | undefined)[] = [eq(applications.tenantId, actor.tenantId)];
    if (!canSeeAll(actor)) conds.push(eq(applications.submittedBy, actor.subject));
    if (input.status) conds.push(eq(applications.status, input.status));
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [applications.id], after);
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(applications)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toApplication), input, (a) => [a.id]);
  }

  /** submit, withdraw (the submitter or a reviewer), review (a reviewer). */
  async act(actor: Actor, id: string, action: 'submit' | 'withdraw' | 'review', reason?: string | null): Promise<Application> {
    if (action === 'review') requireTenantUser(actor, 'onboarding:write');
    else requireSubmitter(actor);
    return this.store.write(actor, async (w) => {
      const before = await this.lockVisible(w, id);
      const out = await this.move(w, before, action, {
        decisionReason: action === 'withdraw' ? (reason ?? null) : before.decisionReason,
        ...(action === 'submit' ? { submittedAt: new Date() } : {}),
      });
      if (action === 'submit') w.emit({ type: APPLICATION_EVENTS.submitted, resourceType: 'application', resourceId: id, payload: { application: out } });
      return out;
    });
  }

  async reject(actor: Actor, id: string, reason: string): Promise<Application> {
    requireTenantUser(actor, 'onboarding:write');
    if (!reason?.trim()) throw invalid('reason', 'is required');
    return this.store.write(actor, async (w) => {
      const before = await this.lockVisible(w, id);
      const out = await this.move(w, before, 'reject', { decidedBy: actor.subject, decidedAt: new Date(), decisionReason: reason });
      w.emit({ type: APPLICATION_EVENTS.decided, resourceType: 'application', resourceId: id, payload: { decision: 'rejected', reason, application: out } });
      return out;
    });
  }

  /**
   * Approve: refused (422) while a required checklist item is missing or failed, or the weighted score is below
   * the tenant minimum. Creates the partner (or links the one with the application's code), and a draft agreement
   * pre-filled from the requested territories and product lines, in one transaction.
   */
  async approve(actor: Actor, id: string, input: unknown): Promise<{ application: Application; partnerId: string; agreementId: string }> {
    requireTenantUser(actor, 'onboarding:write');
    requireScope(actor, 'partners:write');
    const body = parseInput(ApproveBody, input ?? {});
    return this.store.write(actor, async (w) => {
      const before = await this.lockVisible(w, id);
      const t = applicationTransition(before.status as ApplicationStatus, 'approve');
      if (!t.ok)
        throw new DomainError('ILLEGAL_TRANSITION', `Cannot approve an application that is ${before.status}`, {
          extra: { currentStatus: before.status, allowed: t.allowed },
        });
      const a = await this.assess(w, before);
      if (a.missingItems.length || a.failedItems.length) {
        throw new DomainError(
          'UNPROCESSABLE',
          `The qualification review is not complete: ${[...a.missingItems.map((c) => `${c} missing`), ...a.failedItems.map((c) => `${c} failed`)].join(', ')}`,
          {
            errors: [
              ...a.missingItems.map((c) => ({ path: `checklist.${c}`, message: 'required item has no result' })),
              ...a.failedItems.map((c) => ({ path: `checklist.${c}`, message: 'required item failed' })),
            ],
            extra: { missingItems: a.missingItems, failedItems: a.failedItems },
          },
        );
      }
      if (!a.score.meetsMinimum) {
        throw new DomainError(
          'UNPROCESSABLE',
          a.score.total === null
            ? `The screening score is incomplete: ${a.score.missingCriteria.join(', ')} not scored`
            : `The screening score ${a.score.total} is below the minimum ${a.score.minScore}`,
          {
            errors:
              a.score.total === null
                ? a.score.missingCriteria.map((c) => ({ path: `scores.${c}`, message: 'not scored' }))
                : [{ path: 'score', message: `below the minimum ${a.score.minScore}` }],
            extra: { score: a.score.total, minScore: a.score.minScore, missingCriteria: a.score.missingCriteria },
          },
        );
      }
      // the partner: link the one with this code, or create it
      const [existing] = await w.tx
        .select()
        .from(partners)
        .where(and(eq(partners.tenantId, w.tenantId), eq(partners.code, before.partnerCode)))
        .for('update');
      let partnerId: string;
      if (existing) {
        partnerId = existing.id;
        if (existing.status === 'applicant' || existing.status === 'under_review') {
          await this.partners.transitionInWork(w, existing.id, 'approve', `application ${id} approved`);
        } else if (existing.status !== 'approved' && existing.status !== 'active') {
          throw new DomainError('CONFLICT', `Partner ${existing.code} exists and is ${existing.status}; it cannot be linked to an approved application`, {
            extra: { partnerId: existing.id },
          });
        }
      } else {
        const p = await this.partners.createInWork(w, {
          code: before.partnerCode,
          legalName: before.legalName,
          type: before.partnerType as Application['partnerType'],
          channel: before.channel as Application['channel'],
          contactName: before.contactName,
          contactEmail: before.contactEmail,
          contactPhone: before.contactPhone,
          address: (before.address as never) ?? null,
          status: 'approved',
        });
        partnerId = p.id;
      }
      const start = body.agreement?.startDate ?? today();
      const end = body.agreement?.endDate ?? addDays(addDays(start, 365), -1);
      if (end < start) throw invalid('agreement.endDate', 'must not be before startDate');
      const agreement = await this.agreements.createInWork(w, {
        ...(body.agreement?.number ? { number: body.agreement.number } : {}),
        partnerId,
        startDate: start,
        endDate: end,
        policyRef: body.agreement?.policyRef ?? null,
        note: `from application ${id}`,
        territories: before.requestedTerritoryIds.map((territoryId) => ({ territoryId, exclusive: false })),
        products: before.requestedProductLineIds.map((productLineId) => ({ productLineId })),
        applicationId: id,
      });
      const out = await this.move(w, before, 'approve', {
        decidedBy: actor.subject,
        decidedAt: new Date(),
        decisionReason: body.reason ?? null,
        partnerId,
        agreementId: agreement.id,
      });
      w.emit({
        type: APPLICATION_EVENTS.decided,
        resourceType: 'application',
        resourceId: id,
        payload: { decision: 'approved', reason: body.reason ?? null, partnerId, agreementId: agreement.id, score: a.score.total },
      });
      return { application: out, partnerId, agreementId: agreement.id };
    });
  }

  private async move(w: Work, before: Row, action: ApplicationAction, set: Partial<Row>): Promise<Application> {
    const t = applicationTransition(before.status as ApplicationStatus, action);
    if (!t.ok) {
      throw new DomainError('ILLEGAL_TRANSITION', `Cannot ${action} an application that is ${before.status}; allowed: ${t.allowed.join(', ') || 'none'}`, {
        extra: { currentStatus: before.status, allowed: t.allowed },
      });
    }
    const [row] = await w.tx
      .update(applications)
      .set({ ...set, status: t.to, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(applications.tenantId, w.tenantId), eq(applications.id, before.id)))
      .returning();
    const out = toApplication(row!);
    w.audit({ resourceType: 'application', resourceId: before.id, action, before: toApplication(before), after: out });
    return out;
  }

  private async lockVisible(w: Work, id: string): Promise<Row> {
    const [row] = await w.tx
      .select()
      .from(applications)
      .where(and(eq(applications.tenantId, w.tenantId), eq(applications.id, id)))
      .for('update');
    if (!row || (!hasScope(w.actor, 'onboarding:write') && row.submittedBy !== w.actor.subject)) throw notFound('application', id);
    return row;
  }

  // ------------------------------------------------------------ review
  async recordChecks(actor: Actor, id: string, input: unknown): Promise<Assessment> {
    requireTenantUser(actor, 'onboarding:write');
    const b = parseInput(ChecksBody, input);
    return this.store.write(actor, async (w) => {
      const app = await this.lockVisible(w, id);
      if (!['submitted', 'under_review'].includes(app.status))
        throw new DomainError('CONFLICT', `Review results are recorded while an application is submitted or under review; this one is ${app.status}`);
      const codes = [...new Set(b.items.map((i) => i.kind))];
      const kinds = await w.tx
        .select()
        .from(checklistItemKinds)
        .where(and(eq(checklistItemKinds.tenantId, w.tenantId), inArray(checklistItemKinds.code, codes)));
      const byCode = new Map(kinds.map((k) => [k.code, k]));
      b.items.forEach((i, n) => {
        if (!byCode.has(i.kind)) throw invalid(`items.${n}.kind`, `no checklist item kind '${i.kind}'`);
      });
      const values = b.items.map((i) => ({
        tenantId: w.tenantId,
        applicationId: id,
        kindId: byCode.get(i.kind)!.id,
        result: i.result,
        note: i.note ?? null,
        reviewer: actor.subject,
        reviewedOn: i.reviewedOn ?? today(),
      }));
      await w.tx
        .insert(applicationChecks)
        .values(values)
        .onConflictDoUpdate({
          target: [applicationChecks.tenantId, applicationChecks.applicationId, applicationChecks.kindId],
          set: {
            result: sql`excluded.result`,
            note: sql`excluded.note`,
            reviewer: sql`excluded.reviewer`,
            reviewedOn: sql`excluded.reviewed_on`,
            updatedAt: new Date(),
          },
        });
      w.audit({ resourceType: 'application', resourceId: id, action: 'review.checks', after: { items: b.items } });
      return this.assess(w, app);
    });
  }

  async recordScores(actor: Actor, id: string, input: unknown): Promise<Assessment> {
    requireTenantUser(actor, 'onboarding:write');
    const b = parseInput(ScoresBody, input);
    return this.store.write(actor, async (w) => {
      const app = await this.lockVisible(w, id);
      if (!['submitted', 'under_review'].includes(app.status))
        throw new DomainError('CONFLICT', `Scores are recorded while an application is submitted or under review; this one is ${app.status}`);
      const crit = await w.tx
        .select()
        .from(screeningCriteria)
        .where(and(eq(screeningCriteria.tenantId, w.tenantId), eq(screeningCriteria.active, true)));
      const byCode = new Map(crit.map((c) => [c.code, c]));
      b.scores.forEach((s, n) => {
        if (!byCode.has(s.criterion)) throw invalid(`scores.${n}.criterion`, `no active screening criterion '${s.criterion}'`);
        if (Number(s.score) > 100) throw invalid(`scores.${n}.score`, 'must be 0-100');
      });
      await w.tx
        .insert(applicationScores)
        .values(
          b.scores.map((s) => ({
            tenantId: w.tenantId,
            applicationId: id,
            criterionId: byCode.get(s.criterion)!.id,
            score: s.score,
            note: s.note ?? null,
            reviewer: actor.subject,
          })),
        )
        .onConflictDoUpdate({
          target: [applicationScores.tenantId, applicationScores.applicationId, applicationScores.criterionId],
          set: { score: sql`excluded.score`, note: sql`excluded.note`, reviewer: sql`excluded.reviewer`, updatedAt: new Date() },
        });
      w.audit({ resourceType: 'application', resourceId: id, action: 'review.scores', after: { scores: b.scores } });
      return this.assess(w, app);
    });
  }

  async assessment(actor: Actor, id: string): Promise<Assessment> {
    requireTenantUser(actor, 'onboarding:read');
    const [row] = await this.store.db
      .select()
      .from(applications)
      .where(and(eq(applications.tenantId, actor.tenantId), eq(applications.id, id)));
    if (!row) throw notFound('application', id);
    return this.assess(undefined, row, actor);
  }

  private async assess(w: Work | undefined, app: Row, actor: Actor = w!.actor): Promise<Assessment> {
    const db = w ? w.tx : this.store.db;
    const tenant = actor.tenantId;
    const kinds = await db
      .select()
      .from(checklistItemKinds)
      .where(and(eq(checklistItemKinds.tenantId, tenant), eq(checklistItemKinds.active, true)))
      .orderBy(asc(checklistItemKinds.code));
    const checks = await db
      .select()
      .from(applicationChecks)
      .where(and(eq(applicationChecks.tenantId, tenant), eq(applicationChecks.applicationId, app.id)));
    const crit = await db
      .select()
      .from(screeningCriteria)
      .where(and(eq(screeningCriteria.tenantId, tenant), eq(screeningCriteria.active, true)))
      .orderBy(asc(screeningCriteria.code));
    const scores = await db
      .select()
      .from(applicationScores)
      .where(and(eq(applicationScores.tenantId, tenant), eq(applicationScores.applicationId, app.id)));
    const [settings] = await db.select().from(onboardingSettings).where(eq(onboardingSettings.tenantId, tenant));
    const checkByKind = new Map(checks.map((c) => [c.kindId, c]));
    const results = kinds.flatMap((k) => {
      const c = checkByKind.get(k.id);
      return c ? [{ code: k.code, result: c.result as 'pass' | 'fail' | 'na' }] : [];
    });
    const ev = evaluateChecklist(kinds, results);
    const codeOf = new Map(crit.map((c) => [c.id, c.code]));
    const scoreMap: Record<string, string> = {};
    for (const s of scores) {
      const code = codeOf.get(s.criterionId);
      if (code) scoreMap[code] = s.score;
    }
    const ws = weightedScore(
      crit.map((c) => ({ code: c.code, weight: c.weight })),
      scoreMap,
    );
    const minScore = settings?.minScore ? String(Number(settings.minScore)) : null;
    const meets = crit.length ? ws.total !== null && meetsMinimum(ws.total, minScore) : meetsMinimum(null, minScore);
    return {
      applicationId: app.id,
      status: app.status as ApplicationStatus,
      checklist: kinds.map((k) => {
        const c = checkByKind.get(k.id);
        return {
          kind: k.code,
          name: k.name,
          required: k.required,
          result: (c?.result as 'pass' | 'fail' | 'na') ?? null,
          note: c?.note ?? null,
          reviewer: c?.reviewer ?? null,
          reviewedOn: c?.reviewedOn ?? null,
        };
      }),
      missingItems: ev.missing,
      failedItems: ev.failed,
      score: { total: ws.total, minScore, meetsMinimum: meets, missingCriteria: ws.missing, breakdown: ws.breakdown },
      approvable: ev.complete && meets,
    };
  }

  // ------------------------------------------------------------ tenant settings
  async createKind(actor: Actor, input: unknown): Promise<ChecklistKind> {
    requireTenantUser(actor, 'onboarding:write');
    const d = parseInput(ChecklistKindCreate, input);
    return this.store.write(actor, async (w) => {
      const [dup] = await w.tx
        .select({ id: checklistItemKinds.id })
        .from(checklistItemKinds)
        .where(and(eq(checklistItemKinds.tenantId, w.tenantId), eq(checklistItemKinds.code, d.code)));
      if (dup)
        throw new DomainError('CONFLICT', `A checklist item kind '${d.code}' already exists`, { errors: [{ path: 'code', message: 'is already used' }] });
      const [row] = await w.tx
        .insert(checklistItemKinds)
        .values({ tenantId: w.tenantId, id: uuidv7(), ...d })
        .returning();
      const out = { id: row!.id, code: row!.code, name: row!.name, required: row!.required, active: row!.active, version: row!.version };
      w.audit({ resourceType: 'checklist_item_kind', resourceId: out.id, action: 'create', after: out });
      return out;
    });
  }

  async updateKind(actor: Actor, id: string, input: unknown): Promise<ChecklistKind> {
    requireTenantUser(actor, 'onboarding:write');
    const d = parseInput(ChecklistKindUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(checklistItemKinds)
        .where(and(eq(checklistItemKinds.tenantId, w.tenantId), eq(checklistItemKinds.id, id)))
        .for('update');
      if (!before) throw notFound('checklist item kind', id);
      const [row] = await w.tx
        .update(checklistItemKinds)
        .set({ ...d, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(checklistItemKinds.tenantId, w.tenantId), eq(checklistItemKinds.id, id)))
        .returning();
      const out = { id: row!.id, code: row!.code, name: row!.name, required: row!.required, active: row!.active, version: row!.version };
      w.audit({ resourceType: 'checklist_item_kind', resourceId: id, action: 'update', before: { ...before }, after: out });
      return out;
    });
  }

  async listKinds(actor: Actor): Promise<ChecklistKind[]> {
    requireTenantUser(actor, 'onboarding:read');
    const rows = await this.store.db
      .select()
      .from(checklistItemKinds)
      .where(eq(checklistItemKinds.tenantId, actor.tenantId))
      .orderBy(asc(checklistItemKinds.code));
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, required: r.required, active: r.active, version: r.version }));
  }

  /** One checklist item kind by the tenant's code (issue 14: every resource with a code can be read by it). */
  async kindByCode(actor: Actor, code: string): Promise<ChecklistKind> {
    const k = (await this.listKinds(actor)).find((x) => x.code === code);
    if (!k) throw notFound('Checklist item kind', code);
    return k;
  }

  async getScreening(actor: Actor) {
    requireTenantUser(actor, 'onboarding:read');
    const crit = await this.store.db
      .select()
      .from(screeningCriteria)
      .where(and(eq(screeningCriteria.tenantId, actor.tenantId), eq(screeningCriteria.active, true)))
      .orderBy(asc(screeningCriteria.code));
    const [s] = await this.store.db.select().from(onboardingSettings).where(eq(onboardingSettings.tenantId, actor.tenantId));
    return {
      criteria: crit.map((c) => ({ code: c.code, name: c.name, weight: String(Number(c.weight)) })),
      minScore: s?.minScore ? String(Number(s.minScore)) : null,
    };
  }

  /** Replaces the active criteria (weights must sum to 100) and the minimum score, in one write. */
  async setScreening(actor: Actor, input: unknown) {
    requireTenantUser(actor, 'onboarding:write');
    const d = parseInput(Screening, input);
    const err = checkWeights(d.criteria);
    if (err) throw new DomainError('VALIDATION_FAILED', err, { errors: [{ path: 'criteria', message: err }] });
    d.criteria.forEach((c, i) => {
      if (Number(c.weight) <= 0 || Number(c.weight) > 100) throw invalid(`criteria.${i}.weight`, 'must be more than 0 and at most 100');
    });
    if (d.minScore != null && Number(d.minScore) > 100) throw invalid('minScore', 'must be 0-100');
    const codes = d.criteria.map((c) => c.code);
    if (new Set(codes).size !== codes.length) throw invalid('criteria', 'a code is listed twice');
    await this.store.write(actor, async (w) => {
      await w.tx.update(screeningCriteria).set({ active: false, updatedAt: new Date() }).where(eq(screeningCriteria.tenantId, w.tenantId));
      if (d.criteria.length) {
        await w.tx
          .insert(screeningCriteria)
          .values(d.criteria.map((c) => ({ tenantId: w.tenantId, id: uuidv7(), code: c.code, name: c.name, weight: c.weight, active: true })))
          .onConflictDoUpdate({
            target: [screeningCriteria.tenantId, screeningCriteria.code],
            set: { name: sql`excluded.name`, weight: sql`excluded.weight`, active: true, updatedAt: new Date() },
          });
      }
      if (d.minScore !== undefined) {
        await w.tx
          .insert(onboardingSettings)
          .values({ tenantId: w.tenantId, minScore: d.minScore })
          .onConflictDoUpdate({ target: onboardingSettings.tenantId, set: { minScore: d.minScore, updatedAt: new Date() } });
      }
      w.audit({ resourceType: 'screening', resourceId: w.tenantId, action: 'update', after: d });
    });
    return this.getScreening(actor);
  }
}
