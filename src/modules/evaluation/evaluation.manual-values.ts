import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { validationError } from '../../platform/errors.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import { type Actor, decodeCursorOf, iso, type Page, partnerCondition, requireScope, requireTenantUser, toPage } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { codesToIds, onboardingSql, partnersById } from '../onboarding/contract.js';
import { READ, WRITE } from './evaluation.common.js';
import { ManualValueImportRow, ManualValueQuery, ManualValuesPut, type ManualValue } from './evaluation.schemas.js';
import { evaluationManualValues } from './evaluation.tables.js';

/** Manual KPI values (entered or imported per partner, period and KPI); a finalised run locks its period's values. */
export class ManualValueService {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  async setManualValues(actor: Actor, input: unknown): Promise<{ written: number }> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(ManualValuesPut, input);
    return this.store.write(actor, async (w) => {
      const rows = data.values.map((v, i) => ({ line: i, value: { ...v } }));
      const { errors } = await this.writeManualValues(w, rows);
      if (errors.length) {
        throw validationError(errors.map((e) => ({ path: `values.${e.line}${e.path ? '.' + e.path : ''}`, message: e.message })));
      }
      return { written: rows.length };
    });
  }

  /** Upserts manual values in one statement; returns refused rows (unknown partner, period locked by a finalised run). */
  async writeManualValues(
    w: Work,
    rows: {
      line: number;
      value: { partnerId?: string | undefined; partnerCode?: string | undefined; period: string; kpi: string; value: string; note?: string | undefined };
    }[],
  ): Promise<{ errors: RowError[]; created: number; updated: number }> {
    const errors: RowError[] = [];
    let created = 0;
    let updated = 0;
    const codes = [...new Set(rows.map((r) => r.value.partnerCode).filter((c): c is string => !!c))];
    const ids = [...new Set(rows.map((r) => r.value.partnerId).filter((c): c is string => !!c))];
    const byCode = await codesToIds.partners(w.tx, w.tenantId, codes);
    const byId = new Set((await partnersById(w.tx, w.tenantId, ids)).keys());
    const periods = [...new Set(rows.map((r) => r.value.period))].sort();
    const kpis = [...new Set(rows.map((r) => r.value.kpi))];
    // serialises with finalising a run of the same period, so no value changes under a run being finalised
    for (const p of periods) await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`evaluation:${w.tenantId}:${p}`}))`);
    // a value is locked only where a finalised run scored it: the (period, KPI, partner) of a finalised run's
    // results (issue 14 #4). Other partners, periods and templates' partners can still be given values.
    const locked = await this.store.database.rows<{ period: string; code: string; partner_id: string; run_id: string }>(
      sql`select distinct on (r.period, k.kpi_code, k.partner_id) r.period, k.kpi_code as code, k.partner_id, r.id as run_id
          from evaluation_runs r
          join evaluation_result_kpis k on k.tenant_id = r.tenant_id and k.run_id = r.id
          where r.tenant_id = ${w.tenantId} and r.status = 'finalised'
            and r.period in (select jsonb_array_elements_text(${JSON.stringify(periods)}::jsonb))
            and k.kpi_code in (select jsonb_array_elements_text(${JSON.stringify(kpis)}::jsonb))
          order by r.period, k.kpi_code, k.partner_id, r.id`,
      w.tx,
    );
    const lockedBy = new Map(locked.map((l) => [`${l.period}|${l.code}|${l.partner_id}`, l.run_id]));
    const good: { period: string; kpi: string; partner_id: string; value: string; note: string | null }[] = [];
    for (const r of rows) {
      const v = r.value;
      const pid = v.partnerId ? (byId.has(v.partnerId) ? v.partnerId : undefined) : byCode.get(v.partnerCode!);
      if (!pid) {
        errors.push({ line: r.line, path: v.partnerId ? 'partnerId' : 'partnerCode', message: `no partner '${v.partnerId ?? v.partnerCode}' in this tenant` });
        continue;
      }
      const run = lockedBy.get(`${v.period}|${v.kpi}|${pid}`);
      if (run) {
        errors.push({
          line: r.line,
          path: 'period',
          message: `period ${v.period} is finalised for KPI '${v.kpi}' of this partner (run ${run}); its value can no longer change`,
        });
        continue;
      }
      good.push({ period: v.period, kpi: v.kpi, partner_id: pid, value: v.value, note: v.note ?? null });
    }
    if (good.length) {
      const written = await this.store.database.rows<{ period: string; kpi_code: string; partner_id: string; value: string; inserted: boolean }>(
        sql`insert into evaluation_manual_values (tenant_id, period, kpi_code, partner_id, value, note, entered_by, updated_at)
            select ${w.tenantId}, x.period, x.kpi, x.partner_id, x.value, x.note, ${w.actor.subject}, now()
            from jsonb_to_recordset(${JSON.stringify(good)}::jsonb) as x(period text, kpi text, partner_id uuid, value numeric, note text)
            on conflict (tenant_id, period, kpi_code, partner_id) do update
              set value = excluded.value, note = excluded.note, entered_by = excluded.entered_by, updated_at = now()
            returning period, kpi_code, partner_id, value::text as value, (xmax = 0) as inserted`,
        w.tx,
      );
      for (const r of written) {
        if (r.inserted) created++;
        else updated++;
        w.audit({
          resourceType: 'evaluation_manual_value',
          resourceId: r.partner_id,
          action: r.inserted ? 'create' : 'update',
          before: null,
          after: { period: r.period, kpi: r.kpi_code, value: r.value },
        });
      }
    }
    return { errors, created, updated };
  }

  manualValuesImportSpec(actor: Actor): ImportSpec<{ partnerCode: string; period: string; kpi: string; value: string; note?: string | undefined }> {
    requireTenantUser(actor, WRITE);
    return {
      schema: ManualValueImportRow as never,
      batchSize: 1000,
      key: (r) => `${r.partnerCode}|${r.period}|${r.kpi}`,
      writeBatch: async (w, rows) => this.writeManualValues(w, rows),
    };
  }

  async listManualValues(actor: Actor, input: unknown & { limit: number; cursor?: string | undefined }): Promise<Page<ManualValue>> {
    requireScope(actor, READ);
    const f = parseInput(ManualValueQuery, {
      period: (input as Record<string, unknown>).period,
      kpi: (input as Record<string, unknown>).kpi,
      partnerId: (input as Record<string, unknown>).partnerId,
    });
    const after = decodeCursorOf(input.cursor, ['string', 'string', 'uuid'] as const);
    const m = evaluationManualValues;
    const conds: (SQL | undefined)[] = [eq(m.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, m.partnerId));
    if (f.period) conds.push(eq(m.period, f.period));
    if (f.kpi) conds.push(eq(m.kpiCode, f.kpi));
    if (f.partnerId) conds.push(eq(m.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (after) conds.push(sql`(${m.period}, ${m.kpiCode}, ${m.partnerId}) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`);
    const rows = await this.db
      .select({ mv: m })
      .from(m)
      .where(and(...conds))
      .orderBy(asc(m.period), asc(m.kpiCode), asc(m.partnerId))
      .limit(input.limit + 1);
    // every value has its partner (foreign key): the codes of the page in one statement
    const codes = await partnersById(
      this.db,
      actor.tenantId,
      rows.map((r) => r.mv.partnerId),
    );
    const items: ManualValue[] = rows.map((r) => ({
      partnerId: r.mv.partnerId,
      partnerCode: codes.get(r.mv.partnerId)!.code,
      period: r.mv.period,
      kpi: r.mv.kpiCode,
      value: r.mv.value,
      note: r.mv.note,
      enteredBy: r.mv.enteredBy,
      updatedAt: iso(r.mv.updatedAt)!,
    }));
    return toPage(items, input.limit, (v) => [v.period, v.kpi, v.partnerId]);
  }
}
