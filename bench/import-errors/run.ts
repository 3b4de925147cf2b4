/**
 * bench/import-errors: a large volume of rejected rows streamed through the HTTP import of partners
 * (POST /v1/partners:import, NDJSON) on a server in this process; memory must stay flat however many rows are
 * rejected (the report keeps the first IMPORT_MAX_ERRORS errors and counts by reason, nothing else per row).
 *   npm run bench:import-errors                       (1 GB of bad rows)
 *   IMPORT_ERRORS_MB=50 npm run bench:import-errors   (smaller)
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 * Prints RSS, peak RSS, heap after GC and external memory before and after (and every 5 s), the report's counts and
 * throughput. The body is posted with node:http and backpressure: nothing of it is held on the client side.
 */
import { request } from 'node:http';
import { buildApp } from '../../src/app.js';
import { mintToken } from '../../src/platform/tokens.js';
import { peakRssMb, scratchDatabase, secs } from '../lib/db.js';

const MB = Number(process.env.IMPORT_ERRORS_MB ?? 1024);
const bytesWanted = MB * 1024 * 1024;
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const rssMb = () => +(process.memoryUsage().rss / 1048576).toFixed(1);
const heapMb = () => +(process.memoryUsage().heapUsed / 1048576).toFixed(1);
/** memory outside the JS heap: Buffers and ArrayBuffers (a leak of request chunks would show here, not in the heap) */
const externalMb = () => +(process.memoryUsage().external / 1048576).toFixed(1);

/** NDJSON partners rejected for varied reasons: wrong type, empty name, not JSON, not an object, bad email */
function* badRows(): Generator<Buffer> {
  let sent = 0;
  let i = 0;
  let chunk = '';
  while (sent < bytesWanted) {
    i++;
    const k = i % 5;
    chunk +=
      k === 0
        ? `{"code":"BAD-${i}","legalName":"Bad Row ${i} Ltd.","type":"not-a-type"}\n`
        : k === 1
          ? `{"code":"BAD-${i}","legalName":"","type":"dealer"}\n`
          : k === 2
            ? `{"code":"BAD-${i}","legalName":"Broken ${i}",\n`
            : k === 3
              ? `[${i}]\n`
              : `{"code":"BAD-${i}","legalName":"Bad Mail ${i}","type":"dealer","contactEmail":"nobody-${i}"}\n`;
    if (chunk.length >= 1 << 16) {
      sent += chunk.length;
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

/**
 * POSTs the generator's chunks with node:http, writing the next only once the socket drained the last (backpressure):
 * nothing of the body is held in this process. (fetch with a ReadableStream body kept every chunk sent outside the
 * heap until the request was over, ~1 MB of RSS per MB streamed, which this bench then reported as the server's.)
 */
async function post(port: number, path: string, headers: Record<string, string>, chunks: Generator<Buffer>): Promise<{ status: number; text: string }> {
  const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
  });
  // an early answer (a refusal) ends the writing: no wait for a drain that never comes
  let answered = false;
  void answer.then(
    () => (answered = true),
    () => (answered = true),
  );
  for (const chunk of chunks) {
    if (answered) break;
    if (!req.write(chunk)) await Promise.race([new Promise((r) => req.once('drain', r)), answer.catch(() => {})]);
  }
  req.end();
  return answer;
}

const { database, drop } = await scratchDatabase('bench_import_errors');
const app = await buildApp({
  config: { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, IDEMPOTENCY_TTL_HOURS: 24 },
  database,
  logger: false,
});
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  // tokens of a tenant that does not exist are refused (401): provision it as an operator would
  await app.tenants.create('bench', 'Bench');
  const token = await mintToken(SECRET, { tenant: 'bench', scope: 'admin', sub: 'bench', ttl: '2h' });
  global.gc?.();
  const before = { rssMb: rssMb(), peakRssMb: peakRssMb(), heapUsedMb: heapMb(), externalMb: externalMb() };
  console.error(`streaming ${MB} MB of rejected rows; rss ${before.rssMb} MB`);
  let maxRss = before.rssMb;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb());
  }, 200);
  let maxHeap = before.heapUsedMb;
  const logger = setInterval(() => {
    global.gc?.(); // heap after a full collection: what is really kept
    maxHeap = Math.max(maxHeap, heapMb());
    console.error(`  rss ${rssMb()} MB, heap after gc ${heapMb()} MB, external ${externalMb()} MB`);
  }, 5000);
  const t0 = performance.now();
  const res = await post(port, '/v1/partners:import', { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, badRows());
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.text.slice(0, 500)}`);
  const body = JSON.parse(res.text) as {
    rowsRead: number;
    rejected: number;
    accepted: number;
    errors: unknown[];
    errorsTruncated: boolean;
    errorCounts: { path?: string; message: string; count: number }[];
  };
  const seconds = secs(t0);
  clearInterval(sampler);
  clearInterval(logger);
  global.gc?.();
  const after = { rssMb: rssMb(), peakRssMb: peakRssMb(), maxSampledRssMb: maxRss, maxHeapAfterGcMb: maxHeap, heapUsedMb: heapMb(), externalMb: externalMb() };
  console.log(
    JSON.stringify(
      {
        status: res.status,
        megabytes: MB,
        seconds,
        rowsPerS: Math.round(body.rowsRead / seconds),
        rowsRead: body.rowsRead,
        rejected: body.rejected,
        accepted: body.accepted,
        errorsListed: body.errors?.length,
        errorsTruncated: body.errorsTruncated,
        errorCounts: body.errorCounts,
        memory: { before, after, rssGrowthMb: +(maxRss - before.rssMb).toFixed(1), heapGrowthMb: +(maxHeap - before.heapUsedMb).toFixed(1) },
      },
      null,
      2,
    ),
  );
} finally {
  await app.close();
  await drop();
}
