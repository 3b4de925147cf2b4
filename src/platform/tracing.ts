/**
 * OpenTelemetry tracing (OTEL_ENABLED=true): a server span per HTTP request (route template, status), a span per
 * GraphQL operation (name and type) and a span per SQL statement sent (a summary, never parameter values), all in
 * the request's trace, exported over OTLP/HTTP. This module is imported only when tracing is on (src/app.ts loads it
 * with a dynamic import), so with tracing off no OpenTelemetry SDK is loaded and nothing runs per request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type ContextManager, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { Database } from './db.js';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); traces go to `<endpoint>/v1/traces` */
  endpoint: string;
  /** an exporter of the caller's (tests: InMemorySpanExporter), exported span by span instead of OTLP in batches */
  exporter?: SpanExporter;
}

/** The active span follows the async flow of a request (AsyncLocalStorage), so SQL spans find their request. */
class AsyncContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = this.als.run.bind(this.als);
    return ((...args: unknown[]) => run(ctx, () => (target as (...a: unknown[]) => unknown)(...args))) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

/** `select partners`, `insert audit_log`, `begin`: the statement's operation and first table, no values. */
export function statementSummary(query: string): { operation: string; summary: string } {
  const q = query.replace(/\s+/g, ' ').trim();
  const cte = /^with\b/i.test(q);
  const op = (cte ? /\)\s*(select|insert|update|delete)\b/i.exec(q)?.[1] : /^(\w+)/.exec(q)?.[1])?.toLowerCase() ?? 'query';
  const table =
    op === 'select' || op === 'delete'
      ? /\bfrom\s+("?[\w.]+"?)/i.exec(q)?.[1]
      : op === 'insert'
        ? /\binto\s+("?[\w.]+"?)/i.exec(q)?.[1]
        : op === 'update'
          ? /^(?:with\b.*?\)\s*)?update\s+("?[\w.]+"?)/i.exec(q)?.[1]
          : undefined;
  const name = table?.replace(/"/g, '');
  return { operation: op, summary: name && !name.startsWith('(') ? `${op} ${name}` : op };
}

declare module 'fastify' {
  interface FastifyRequest {
    otelSpan?: Span;
  }
}

/** Registers the spans on the app and the database; returns the provider's shutdown (flushes what is pending). */
export function setupTracing(
  app: FastifyInstance,
  database: Database,
  opts: TracingOptions,
): { traceGraphql: () => void; flush: () => Promise<void>; shutdown: () => Promise<void> } {
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  // the process-wide context manager (the first app of a process registers it; a second one reuses it)
  context.setGlobalContextManager(new AsyncContextManager());
  const tracer = provider.getTracer('channel-api');

  // HTTP: one server span per request, the rest of the request running inside it
  app.addHook('onRequest', (request, _reply, done) => {
    // the route template names it when known (onResponse); the raw path (ids) is not recorded
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method } });
    request.otelSpan = span;
    context.with(trace.setSpan(context.active(), span), done);
  });
  const endRequest = (request: FastifyRequest, status: number) => {
    const span = request.otelSpan;
    if (!span) return;
    request.otelSpan = undefined;
    const route = request.routeOptions.url ?? 'unmatched';
    span.updateName(`${request.method} ${route}`);
    span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    endRequest(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    endRequest(request, 499);
    done();
  });

  // GraphQL: a span per operation, from the start of execution to its result (called once mercurius is registered)
  const traceGraphql = () => {
    const spans = new WeakMap<object, Span>();
    app.graphql.addHook('preExecution', async (_schema, document: DocumentNode, ctx) => {
      const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      const type = op?.operation ?? 'query';
      const name = op?.name?.value;
      const span = tracer.startSpan(name ? `${type} ${name}` : type, {
        attributes: { 'graphql.operation.type': type, ...(name ? { 'graphql.operation.name': name } : {}) },
      });
      spans.set(ctx, span);
    });
    app.graphql.addHook('onResolution', async (execution, ctx) => {
      const span = spans.get(ctx);
      if (!span) return;
      if (execution.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: execution.errors[0]!.message });
      span.end();
    });
  };

  // SQL: a span per statement sent (the platform Database's hook), named by its summary; no parameter values
  const previous = database.onStatement;
  database.onStatement = (query, params) => {
    previous?.(query, params);
    if (!trace.getSpan(context.active())) return; // outside a request (background work): not traced
    const { operation, summary } = statementSummary(query);
    tracer
      .startSpan(summary, {
        kind: SpanKind.CLIENT,
        attributes: { [ATTR_DB_SYSTEM_NAME]: 'postgresql', [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_SUMMARY]: summary },
      })
      .end();
  };

  return {
    traceGraphql,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      database.onStatement = previous;
      await provider.shutdown();
    },
  };
}
