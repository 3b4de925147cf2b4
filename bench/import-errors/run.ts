/**
 * bench/import-errors: a large volume of rejected rows streamed through the HTTP import of partners
 * (POST /v1/partners:import, NDJSON) on a server in this process; memory must stay flat however many rows are
 * rejected (the report keeps the first IMPORT_MAX_ERRORS errors and counts by reason, nothing else per row).
 *   npm run bench:import-errors                       (1 GB of bad rows)
 *   IMPORT_ERRORS_MB=50 npm run bench:import-errors   (smaller)
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 * Prints RSS and peak RSS before and after, the report's counts and throughput.
 */
import { Readable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { mintToken } from '../../src/platform/tokens.js';
import { peakRssMb, scratchDatabase, secs } from '../lib/db.js';

const MB = Number(process.env.IMPORT_ERRORS_MB ?? 1024);
const bytesWanted = MB * 1024 * 1024;
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const rssMb = () => +(process.memoryUsage().rss / 1048576).toFixed(1);
const heapMb = () => +(process.memoryUsage().heapUsed / 1048576).toFixed(1);

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

const { database, drop } = await scratchDatabase('bench_import_errors');
const app = await buildApp({
  config: { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, IDEMPOTENCY_TTL_HOURS: 24 },
  database,
  logger: false,
});
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const token = await mintToken(SECRET, { tenant: 'bench', scope: 'admin', sub: 'bench', ttl: '2h' });
  global.gc?.();
  const before = { rssMb: rssMb(), peakRssMb: peakRssMb(), heapUsedMb: heapMb() };
  console.error(`streaming ${MB} MB of rejected rows; rss ${before.rssMb} MB`);
  let maxRss = before.rssMb;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb());
  }, 200);
  let maxHeap = before.heapUsedMb;
  const logger = setInterval(() => {
    global.gc?.(); // heap after a full collection: what is really kept
    maxHeap = Math.max(maxHeap, heapMb());
    console.error(`  rss ${rssMb()} MB, heap after gc ${heapMb()} MB`);
  }, 5000);
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/v1/partners:import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(Readable.from(badRows())) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as {
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
  const after = { rssMb: rssMb(), peakRssMb: peakRssMb(), maxSampledRssMb: maxRss, maxHeapAfterGcMb: maxHeap, heapUsedMb: heapMb() };
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
