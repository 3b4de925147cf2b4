/**
 * Import reports under many rejected rows: the first IMPORT_MAX_ERRORS errors are listed, every error is counted
 * by field and reason (values quoted by the message and numbers folded), through the HTTP import of partners.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
});
afterAll(async () => t?.close());

describe('import report: first N errors plus counts by reason', () => {
  it('lists IMPORT_MAX_ERRORS errors, counts all of them by reason, keeps the good rows', async () => {
    t.app.store.importMaxErrors = 5;
    const lines: string[] = [];
    for (let i = 1; i <= 30; i++) {
      if (i % 3 === 0) lines.push(`{"code":"IE-${i}","legalName":"Import ${i} Ltd.","type":"not-a-type"}`);
      else if (i % 3 === 1) lines.push(`{"code":"IE-${i}","legalName":"Broken ${i}",`);
      else lines.push(`{"code":"IE-${i}","legalName":"Good ${i} Ltd.","type":"dealer"}`);
    }
    lines.push('{"code":"IE-2","legalName":"Duplicate Ltd.","type":"dealer"}'); // duplicate of line 2
    const res = await t.client(token).post('/v1/partners:import', lines.join('\n') + '\n', { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.data;
    expect(r).toMatchObject({ rowsRead: 31, accepted: 10, rejected: 21, created: 10, errorsTruncated: true });
    expect(r.errors).toHaveLength(5);
    expect(r.errors[0]).toMatchObject({ line: 1, message: 'not valid JSON' });
    const counts = Object.fromEntries(r.errorCounts.map((c: { path?: string; message: string; count: number }) => [`${c.path ?? ''} ${c.message}`, c.count]));
    expect(counts[' not valid JSON']).toBe(10);
    expect(r.errorCounts.find((c: { path?: string }) => c.path === 'type')?.count).toBe(10);
    // the duplicate's message names its line and code; the reason folds both
    const dup = r.errorCounts.find((c: { message: string }) => c.message.startsWith('duplicate of line'));
    expect(dup).toMatchObject({ message: "duplicate of line N in this file (key '…')", count: 1 });
    expect(r.errorCounts.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(21);
    // most frequent first
    const ns = r.errorCounts.map((c: { count: number }) => c.count);
    expect([...ns].sort((a, b) => b - a)).toEqual(ns);
    t.app.store.importMaxErrors = 1000;
    const list = await t.client(token).get('/v1/partners?limit=100');
    expect(list.data.data.filter((p: { code: string }) => p.code.startsWith('IE-'))).toHaveLength(10);
  });
});
