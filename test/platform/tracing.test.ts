import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type TestApp } from '../helpers/app.js';
import { statementSummary } from '../../src/platform/tracing.js';

/** OpenTelemetry tracing switched on by configuration (OTEL_ENABLED), with the spans kept in memory. */
const exporter = new InMemorySpanExporter();
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await setupTestApp({ config: { OTEL_ENABLED: true, OTEL_SERVICE_NAME: 'channel-api-test' }, spanExporter: exporter });
  token = await t.token();
});
afterAll(async () => t?.close());

const traceOf = (spans: ReadableSpan[], root: ReadableSpan) => spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('tracing on', () => {
  it('a REST request: an HTTP server span with the route template and status, SQL spans inside it, no parameter values', async () => {
    exporter.reset();
    const client = t.client(token);
    const created = await client.post('/v1/partners', { code: 'TR-1', legalName: 'Traced Ltd.', type: 'distributor' });
    expect(created.statusCode).toBe(201);
    const res = await client.get(`/v1/partners/${created.data.id}`);
    expect(res.statusCode).toBe(200);
    await t.app.tracing!.flush();
    const spans = exporter.getFinishedSpans();
    const http = spans.find((s) => s.name === 'GET /v1/partners/:id');
    expect(http).toBeDefined();
    expect(http!.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/v1/partners/:id', 'http.response.status_code': 200 });
    expect(http!.resource.attributes['service.name']).toBe('channel-api-test');
    const sql = traceOf(spans, http!).filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.every((s) => parentId(s) === http!.spanContext().spanId)).toBe(true);
    expect(sql.map((s) => s.name)).toContain('select partners');
    // no parameter values anywhere: neither the id asked for nor the code written
    const text = JSON.stringify(spans.map((s) => [s.name, s.attributes]));
    expect(text).not.toContain(created.data.id);
    expect(text).not.toContain('Traced Ltd.');
  });

  it('a GraphQL query: the HTTP span, a GraphQL operation span and SQL spans in one trace', async () => {
    exporter.reset();
    const res = await t.client(token).gql('query ListPartners { partners(first: 5) { nodes { code } } }');
    expect(res.errors).toBeUndefined();
    await t.app.tracing!.flush();
    const spans = exporter.getFinishedSpans();
    const http = spans.find((s) => s.name === 'POST /graphql')!;
    expect(http.attributes['http.response.status_code']).toBe(200);
    const inTrace = traceOf(spans, http);
    const op = inTrace.find((s) => s.name === 'query ListPartners');
    expect(op?.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'ListPartners' });
    expect(parentId(op!)).toBe(http.spanContext().spanId);
    expect(inTrace.filter((s) => s.name === 'select partners').length).toBeGreaterThan(0);
  });

  it('summarises statements by operation and first table', () => {
    expect(statementSummary('select "id" from "partners" where "tenant_id" = $1')).toEqual({ operation: 'select', summary: 'select partners' });
    expect(statementSummary('insert into "audit_log" ("id") values ($1)')).toEqual({ operation: 'insert', summary: 'insert audit_log' });
    expect(statementSummary('update "partners" set "tier" = $1')).toEqual({ operation: 'update', summary: 'update partners' });
    expect(statementSummary('begin')).toEqual({ operation: 'begin', summary: 'begin' });
  });
});

describe('tracing off', () => {
  it('produces no spans: no tracing hooks, no tracing decoration', async () => {
    const off = await setupTestApp();
    try {
      const before = exporter.getFinishedSpans().length;
      expect((await off.client(await off.token()).get('/v1/partners')).statusCode).toBe(200);
      expect(off.app.tracing).toBeUndefined();
      expect(exporter.getFinishedSpans().length).toBe(before);
    } finally {
      await off.close();
    }
  });
});

describe('OTLP export', () => {
  it('posts the spans to the collector at OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    const got: { url: string | undefined; type: string | undefined; body: string }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ url: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    const otlp = await setupTestApp({
      config: { OTEL_ENABLED: true, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'channel-api-otlp' },
    });
    try {
      expect((await otlp.client(await otlp.token()).get('/v1/partners')).statusCode).toBe(200);
      await otlp.app.tracing!.flush();
      expect(got.length).toBeGreaterThan(0);
      expect(got[0]!.url).toBe('/v1/traces');
      const all = got.map((g) => g.body).join('\n');
      expect(all).toContain('channel-api-otlp');
      expect(all).toContain('GET /v1/partners');
    } finally {
      await otlp.close();
      receiver.close();
    }
  });
});
