// The reference partner portal: sign in with a partner credential, see own network, prices, targets and
// achievement, rebate balance and statements, and upload a sell-through CSV with the row report.
// Plain DOM and the typed client; a frontend team would swap in its framework of choice.
import { connect, problemText, type Api } from './api.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function table(el: HTMLElement, head: string[], rows: (string | number | null | undefined)[][], numeric: number[] = []): void {
  const esc = (v: unknown) => String(v ?? '—').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  el.innerHTML =
    `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    (rows.length
      ? rows.map((r) => `<tr>${r.map((v, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${esc(v)}</td>`).join('')}</tr>`).join('')
      : `<tr><td colspan="${head.length}">none</td></tr>`) +
    '</tbody>';
}

async function loadPortal(api: Api, today: string): Promise<void> {
  const me = await api.GET('/v1/me');
  if (!me.data) throw new Error(problemText(me.error));
  const partnerId = me.data.partnerId;
  if (!partnerId) throw new Error('This is a tenant credential: a portal signs in with a credential bound to a partner');

  const network = await api.GET('/v1/partners', { params: { query: { limit: 50 } } });
  const partners = network.data?.data ?? [];
  const self = partners.find((p) => p.id === partnerId);
  $('who').textContent = self ? `${self.legalName} (${self.code})` : partnerId;
  table(
    $('network'),
    ['Code', 'Name', 'Type', 'Status', 'Parent'],
    partners.map((p) => [p.code, p.legalName, p.type, p.status, partners.find((q) => q.id === p.parentId)?.code ?? '']),
  );

  // own prices on today's date, every product in one call (a bounded number of SQL statements server-side)
  $('price-date').textContent = `on ${today}`;
  const products = (await api.GET('/v1/onboarding/products', { params: { query: { limit: 100 } } })).data?.data ?? [];
  if (products.length) {
    const resolved = await api.POST('/v1/policy/prices:resolve', {
      body: { partner: partnerId, date: today, lines: products.map((p) => ({ product: p.code, quantity: '1' })) },
    });
    table(
      $('prices'),
      ['Product', 'Status', 'Distribution price', 'Suggested retail', 'Minimum resale', 'Net unit price'],
      (resolved.data?.lines ?? []).map((l) => [l.product, l.status, l.distributionPrice, l.suggestedRetailPrice, l.minResalePrice, l.netUnitPrice]),
      [2, 3, 4, 5],
    );
  } else table($('prices'), ['Product'], []);

  const targets = (await api.GET('/v1/targets', { params: { query: { partnerId, limit: 50 } } })).data?.data ?? [];
  const rows = await Promise.all(
    targets.map(async (t) => {
      const a = await api.GET('/v1/targets/achievement/{id}', { params: { path: { id: partnerId }, query: { period: t.period } } });
      return [t.period, t.metric, t.value, a.data?.actual, a.data ? `${a.data.achievementPct} %` : ''];
    }),
  );
  table($('targets'), ['Period', 'Metric', 'Target', 'Actual', 'Achievement'], rows, [2, 3, 4]);

  const balance = await api.GET('/v1/incentives/rebate-accounts/{partnerId}', { params: { path: { partnerId } } });
  $('rebate-balance').textContent = balance.data ? `${balance.data.available} ${balance.data.currency} available` : 'no rebate account yet';
  const statements = (await api.GET('/v1/incentives/statements', { params: { query: { partnerId, limit: 50 } } })).data?.data ?? [];
  table(
    $('statements'),
    ['Period', 'Status', 'Total', 'Unit'],
    statements.map((s) => [s.period, s.status, s.total, s.unit]),
    [2],
  );
}

async function upload(api: Api): Promise<void> {
  const file = $<HTMLInputElement>('upload-file').files?.[0];
  if (!file) return void ($('upload-summary').textContent = 'Choose a CSV file first');
  const res = await api.POST('/v1/actuals/sell-through:import', {
    body: await file.text(),
    headers: { 'content-type': 'text/csv' },
    bodySerializer: (body: string) => body,
  });
  if (!res.data || !('accepted' in res.data)) return void ($('upload-summary').textContent = problemText(res.error));
  const r = res.data;
  $('upload-summary').textContent = `${r.accepted} accepted (${r.created} new, ${r.updated} updated), ${r.rejected} rejected`;
  table(
    $('upload-errors'),
    ['Line', 'Column', 'Reason'],
    r.errors.map((e) => [e.line, e.path ?? '', e.message]),
    [0],
  );
}

function main(): void {
  const params = new URLSearchParams(location.search);
  $<HTMLInputElement>('api').value = params.get('api') ?? sessionStorage.getItem('portal.api') ?? 'http://127.0.0.1:3000';
  const today = params.get('date') ?? new Date().toISOString().slice(0, 10);
  let api: Api | undefined;
  $('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    const base = $<HTMLInputElement>('api').value;
    api = connect(base, $<HTMLInputElement>('credential').value.trim());
    sessionStorage.setItem('portal.api', base);
    $('signin-error').textContent = '';
    loadPortal(api, today)
      .then(() => {
        $('signin').hidden = true;
        $('portal').hidden = false;
      })
      .catch((e: Error) => ($('signin-error').textContent = e.message));
  });
  $('upload-button').addEventListener('click', () => {
    // after an upload the achievement moves: read the portal again
    if (api)
      upload(api)
        .then(() => loadPortal(api!, today))
        .catch((e: Error) => ($('upload-summary').textContent = e.message));
  });
}

main();
