import { and, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import { decodeCursorOf, keyset, requireTenantUser, toPage, type Actor, type Page, type PageInput } from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import {
  checkDef,
  findTemplate,
  findVersion,
  lockTemplate,
  toDef,
  toTemplate,
  toVersion,
  READ,
  versionRow,
  WRITE,
  type VersionRow,
} from './evaluation.common.js';
import type { TemplateDef } from './evaluation.rules.js';
import { TemplateCreate, TemplateUpdate, type Template, type TemplateVersion } from './evaluation.schemas.js';
import { scorecardTemplates, scorecardTemplateVersions } from './evaluation.tables.js';

/** Scorecard templates and their versions (the tenant's; partner users read only their own results). */
export class TemplateService {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  async createTemplate(actor: Actor, input: unknown): Promise<Template> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(TemplateCreate, input);
    const def = toDef(data as unknown as TemplateDef);
    checkDef(def);
    return this.store.write(actor, async (w) => {
      const [dup] = await w.tx
        .select({ id: scorecardTemplates.id })
        .from(scorecardTemplates)
        .where(and(eq(scorecardTemplates.tenantId, w.tenantId), eq(scorecardTemplates.code, data.code)));
      if (dup)
        throw new DomainError('CONFLICT', `A scorecard template with code '${data.code}' already exists`, {
          errors: [{ path: 'code', message: 'is already used' }],
          extra: { existingId: dup.id },
        });
      const id = uuidv7();
      const [t] = await w.tx.insert(scorecardTemplates).values({ tenantId: w.tenantId, id, code: data.code, name: data.name }).returning();
      const [v] = await w.tx
        .insert(scorecardTemplateVersions)
        .values({ tenantId: w.tenantId, templateId: id, versionNo: 1, kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null })
        .returning();
      const out = toTemplate(t!, v!);
      w.audit({ resourceType: 'scorecard_template', resourceId: id, action: 'create', before: null, after: out });
      return out;
    });
  }

  /**
   * Replaces the definition. The latest version is changed in place while no run has used it; once used, the
   * change becomes a new version (runs keep the version they used).
   */
  async updateTemplate(actor: Actor, idOrCode: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Template> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(TemplateUpdate, input);
    const def = toDef(data as unknown as TemplateDef);
    checkDef(def);
    return this.store.write(actor, async (w) => {
      const t = await lockTemplate(w, idOrCode);
      if (opts.ifMatch !== undefined && opts.ifMatch !== t.version) {
        throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the template is at version ${t.version}`, {
          extra: { currentVersion: t.version },
        });
      }
      if (data.version !== undefined && data.version !== t.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${data.version} is stale; the template is at version ${t.version}`, {
          extra: { currentVersion: t.version },
        });
      }
      const latest = await versionRow(w.tx, w.tenantId, t.id, t.latestVersion, true);
      const before = toTemplate(t, latest!);
      let v: VersionRow;
      let versionNo = t.latestVersion;
      if (latest!.usedAt === null) {
        [v] = (await w.tx
          .update(scorecardTemplateVersions)
          .set({ kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null, updatedAt: new Date() })
          .where(
            and(
              eq(scorecardTemplateVersions.tenantId, w.tenantId),
              eq(scorecardTemplateVersions.templateId, t.id),
              eq(scorecardTemplateVersions.versionNo, versionNo),
            ),
          )
          .returning()) as [VersionRow];
      } else {
        versionNo++;
        [v] = (await w.tx
          .insert(scorecardTemplateVersions)
          .values({ tenantId: w.tenantId, templateId: t.id, versionNo, kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null })
          .returning()) as [VersionRow];
      }
      const [t2] = await w.tx
        .update(scorecardTemplates)
        .set({ name: data.name ?? t.name, latestVersion: versionNo, version: sql`${scorecardTemplates.version} + 1`, updatedAt: new Date() })
        .where(and(eq(scorecardTemplates.tenantId, w.tenantId), eq(scorecardTemplates.id, t.id)))
        .returning();
      const out = toTemplate(t2!, v);
      w.audit({ resourceType: 'scorecard_template', resourceId: t.id, action: 'update', before, after: out });
      return out;
    });
  }

  async getTemplate(actor: Actor, idOrCode: string): Promise<Template> {
    requireTenantUser(actor, READ);
    const t = await findTemplate(this.db, actor.tenantId, idOrCode);
    const v = await findVersion(this.db, actor.tenantId, t.id, t.latestVersion);
    return toTemplate(t, v);
  }

  async getTemplateVersion(actor: Actor, idOrCode: string, versionNo: number): Promise<TemplateVersion> {
    requireTenantUser(actor, READ);
    const t = await findTemplate(this.db, actor.tenantId, idOrCode);
    return toVersion(await findVersion(this.db, actor.tenantId, t.id, versionNo));
  }

  async listTemplateVersions(actor: Actor, idOrCode: string): Promise<TemplateVersion[]> {
    requireTenantUser(actor, READ);
    const t = await findTemplate(this.db, actor.tenantId, idOrCode);
    const rows = await this.db
      .select()
      .from(scorecardTemplateVersions)
      .where(and(eq(scorecardTemplateVersions.tenantId, actor.tenantId), eq(scorecardTemplateVersions.templateId, t.id)))
      .orderBy(desc(scorecardTemplateVersions.versionNo));
    return rows.map(toVersion);
  }

  async listTemplates(actor: Actor, input: PageInput): Promise<Page<Template>> {
    requireTenantUser(actor, READ);
    const ks = keyset(input, [scorecardTemplates.code], decodeCursorOf(input.cursor, ['string'] as const));
    const rows = await this.db
      .select({ t: scorecardTemplates, v: scorecardTemplateVersions })
      .from(scorecardTemplates)
      .innerJoin(
        scorecardTemplateVersions,
        and(
          eq(scorecardTemplateVersions.tenantId, scorecardTemplates.tenantId),
          eq(scorecardTemplateVersions.templateId, scorecardTemplates.id),
          eq(scorecardTemplateVersions.versionNo, scorecardTemplates.latestVersion),
        ),
      )
      .where(and(eq(scorecardTemplates.tenantId, actor.tenantId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => toTemplate(r.t, r.v)),
      input,
      (t) => [t.code],
    );
  }
}
