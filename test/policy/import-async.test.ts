/** The price-list import runs as an asynchronous job too (import kinds take the route's parameters). */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createProduct } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  for (const code of ['AS-1', 'AS-2']) await createProduct(admin, code);
});
afterAll(async () => t?.close());

describe('async price-list import', () => {
  it('?async=true answers 202 with a job that fills the draft version, with a row-level report', async () => {
    const p = await admin.post('/v1/policy/price-policies', { code: 'ASYNC', name: 'Async prices', currency: 'CNY', scope: { kind: 'default' } });
    const v = await admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, { effectiveFrom: '2026-01-01' });
    const csv = 'product,distributionPrice,suggestedRetailPrice\nAS-1,10.50,19.90\nAS-2,abc,5\nNOPE,1,2\n';
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/policy/versions/${v.data.id}/lines:import?async=true`,
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    // nothing written before a worker runs the job
    expect((await t.database.rows(sql`select 1 from price_lines where version_id = ${v.data.id}`)).length).toBe(0);
    await t.app.services.integration.createJobWorker().drain();
    const job = await admin.get(`/v1/jobs/${jobId}`);
    expect(job.statusCode).toBe(200);
    expect(job.data).toMatchObject({ status: 'succeeded', progress: { rowsRead: 3, accepted: 1, rejected: 2 } });
    expect(job.data.result.errors.map((e: { line: number }) => e.line)).toEqual([3, 4]);
    const lines = await admin.get(`/v1/policy/versions/${v.data.id}/lines`);
    expect(lines.data.data).toHaveLength(1);
    expect(lines.data.data[0]).toMatchObject({ distributionPrice: '10.5000', suggestedRetailPrice: '19.9000' });
  });

  it('a published version refuses the import before any job is queued', async () => {
    const p = await admin.post('/v1/policy/price-policies', { code: 'ASYNC-PUB', name: 'Published', currency: 'CNY', scope: { kind: 'default' } });
    const v = await admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, { effectiveFrom: '2030-01-01' });
    await admin.post(`/v1/policy/versions/${v.data.id}/lines`, { lines: [{ product: 'AS-1', distributionPrice: '1', suggestedRetailPrice: '2' }] });
    expect((await admin.post(`/v1/policy/versions/${v.data.id}/publish`, {})).statusCode).toBe(200);
    const jobsBefore = (await t.database.rows(sql`select 1 from jobs`)).length;
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/policy/versions/${v.data.id}/lines:import?async=true`,
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
      payload: 'product,distributionPrice,suggestedRetailPrice\nAS-2,1,2\n',
    });
    expect(res.statusCode).toBe(409);
    expect((await t.database.rows(sql`select 1 from jobs`)).length).toBe(jobsBefore);
  });
});
