// The reference partner portal (examples/portal) in headless Chromium against a real server over CORS: sign in with a
// partner-bound API key, see the own network, prices, targets and achievement, rebate balance, upload a sell-through
// CSV and read its row report. Needs Debian's chromium (`.ci/run` installs it); without it the test is skipped with the
// reason. PORTAL_SCREENSHOT=docs/portal.png writes the screenshot the README shows.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { sql } from 'drizzle-orm';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePolicy, price } from '../helpers/policy.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[portal] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** The built portal served as static files on an origin of its own (so every API call is cross-origin). */
async function servePortal(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function csv(c: Client, url: string, body: string) {
  const res = await c.post(url, body, { 'content-type': 'text/csv' });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.data.rejected, res.body).toBe(0);
}

describe.skipIf(!haveChromium)('reference partner portal in Chromium', () => {
  let t: TestApp;
  let admin: Client;
  let browser: Browser;
  let portal: { server: Server; origin: string };
  let outDir: string;
  let api: string;
  let key: string;
  let partnerId: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'portal-'));
    await build({ configFile: 'examples/portal/vite.config.ts', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    portal = await servePortal(outDir);
    t = await setupTestApp({ config: { CORS_ORIGINS: portal.origin } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    admin = t.client(await t.token());

    // the tenant side: a distributor with a sub-dealer, a product, a published price list, a target
    await csv(
      admin,
      '/v1/partners:import',
      'code,legalName,type,channel,parentCode\nP-PORTAL,Portal Distribution Ltd.,distributor,offline,\nP-PORTAL-SUB,Portal Sub-dealer,dealer,offline,P-PORTAL\n',
    );
    await csv(admin, '/v1/onboarding/product-lines:import', 'code,name\nTEA,Tea\n');
    await csv(admin, '/v1/onboarding/products:import', 'code,name,lineCode,unit\nSKU-1,Green tea 250g,TEA,box\n');
    await csv(admin, '/v1/onboarding/territories:import', 'code,name,parentCode,level\nCN,China,,country\n');
    await makePolicy(admin, { code: 'STD', scope: { kind: 'default' }, lines: [price('SKU-1', '10.00', '15.00', '12.00')] });
    const partner = (await admin.get('/v1/partners/by-code/P-PORTAL')).data;
    partnerId = partner.id;
    const target = await admin.post('/v1/targets', { partnerId: partner.id, period: '2026', metric: 'sales_amount', value: '100000.00' });
    expect(target.statusCode, target.body).toBe(201);
    const created = await admin.post('/v1/api-keys', {
      name: 'portal P-PORTAL',
      scopes: ['partner-portal'],
      partnerId: partner.id,
      partnerScope: 'subtree',
    });
    expect(created.statusCode, created.body).toBe(201);
    key = created.data.key;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => portal?.server.close(r));
    await t?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('signs in with a partner key and shows own network, prices, targets, rebates; uploads a CSV with its row report', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));

    await page.goto(`${portal.origin}/?api=${encodeURIComponent(api)}&date=2026-05-01`);
    // a tenant credential is refused by the portal itself, with the reason
    await page.fill('#credential', 'not-a-key');
    await page.click('#signin-button');
    await expect.poll(() => page.textContent('#signin-error')).not.toBe('');

    await page.fill('#credential', key);
    await page.click('#signin-button');
    await page.waitForSelector('#portal:not([hidden])');

    expect(await page.textContent('#who')).toBe('Portal Distribution Ltd. (P-PORTAL)');
    const network = await page.locator('#network tbody tr td:first-child').allTextContents();
    expect(network.sort()).toEqual(['P-PORTAL', 'P-PORTAL-SUB']);
    // prices resolved for the partner on the date: distribution 10, suggested retail 15, minimum resale 12
    const prices = await page.locator('#prices tbody tr td').allTextContents();
    expect(prices.slice(0, 5)).toEqual(['SKU-1', 'priced', '10.0000', '15.0000', '12.0000']);
    const target = await page.locator('#targets tbody tr td').allTextContents();
    expect(target.slice(0, 3)).toEqual(['2026', 'sales_amount', '100000.0000']);
    expect(await page.textContent('#rebate-balance')).toBe('no rebate account yet');

    // a sell-through upload: two good lines (own and the sub-dealer's) and one with a bad amount on line 4
    const file =
      'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\n' +
      'PORTAL-1,2026-05-02,P-PORTAL,SKU-1,100,1500.00,C1,CN\n' +
      'PORTAL-2,2026-05-03,P-PORTAL-SUB,SKU-1,10,150.00,C2,CN\n' +
      'PORTAL-3,2026-05-03,P-PORTAL,SKU-1,1,abc,C3,CN\n';
    await page.setInputFiles('#upload-file', { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.click('#upload-button');
    await expect.poll(() => page.textContent('#upload-summary')).toBe('2 accepted (2 new, 0 updated), 1 rejected');
    const rejected = await page.locator('#upload-errors tbody tr td').allTextContents();
    expect(rejected[0]).toBe('4');
    expect(rejected[1]).toBe('amount');
    // the portal reads itself again: the own sales moved the achievement (1,500 of 100,000)
    await expect.poll(async () => (await page.locator('#targets tbody tr td').allTextContents()).slice(3)).toEqual(['1500.0000', '1.50 %']);

    // what the browser did is in the database: the two lines, and the partner's own sales in its achievement
    const lines = await t.database.rows<{ external_id: string }>(sql`select external_id from sell_through_lines order by external_id`);
    expect(lines.map((l) => l.external_id)).toEqual(['PORTAL-1', 'PORTAL-2']);
    const achieved = await admin.get(`/v1/targets/achievement/${partnerId}?period=2026`);
    expect(achieved.data.actual, achieved.body).toBe('1500.0000');
    expect(failed).toEqual([]);

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.PORTAL_SCREENSHOT) await writeFile(process.env.PORTAL_SCREENSHOT, png);
  }, 90_000);
});
