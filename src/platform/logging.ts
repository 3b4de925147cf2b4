import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Bindings, ChildLoggerOptions, LogFn, Logger, LoggerOptions } from 'pino';

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      // a field at the top of a line's object and one level down (pino's `*.x` matches only the latter)
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        ...['secret', 'password', 'token', 'apiKey'].flatMap((k) => [k, `*.${k}`]),
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
    },
  };
}

/**
 * A request's logger (`request.log`, fastify's childLoggerFactory): the child logger with the request id is made on
 * first use, not for every request (issue 15: making a pino child logger per request, its bindings serialised, was
 * ~1.5% of a point read; most requests log nothing but their access line, written by the logging plugin's own child logger below).
 */
class LazyRequestLogger {
  private real: Logger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly childBindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}
  private get log(): Logger {
    // fastify's loggers are pino's (its logger option): the child has pino's whole interface
    return (this.real ??= this.parent.child(this.childBindings, this.options) as unknown as Logger);
  }
  get level(): string {
    return this.log.level;
  }
  set level(level: string) {
    this.log.level = level;
  }
  info(...a: Parameters<LogFn>) {
    this.log.info(...a);
  }
  error(...a: Parameters<LogFn>) {
    this.log.error(...a);
  }
  warn(...a: Parameters<LogFn>) {
    this.log.warn(...a);
  }
  debug(...a: Parameters<LogFn>) {
    this.log.debug(...a);
  }
  trace(...a: Parameters<LogFn>) {
    this.log.trace(...a);
  }
  fatal(...a: Parameters<LogFn>) {
    this.log.fatal(...a);
  }
  silent(...a: Parameters<LogFn>) {
    this.log.silent(...a);
  }
  isLevelEnabled(level: string): boolean {
    return this.log.isLevelEnabled(level);
  }
  bindings(): Bindings {
    return this.log.bindings();
  }
  flush(cb?: (err?: Error) => void): void {
    this.log.flush(cb);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}

export const lazyRequestLogger = (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger =>
  new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `failures`: the access line only when the answer is 4xx or 5xx (routes polled by machines: the health probes) */
    accessLog?: 'failures';
  }
}

/** One log line per request: request id, tenant, client IP, route, status, duration (see accessLog). */
async function loggingPlugin(app: FastifyInstance) {
  // the access line holds no secret (its fields are listed here), so it skips the redaction the other lines go
  // through (issue 15: pino's wildcard redaction paths cost ~10 us a line, more than the rest of the line)
  const access = app.log.child({}, { redact: { paths: [] } });
  app.addHook('onResponse', (request, reply, done) => {
    // (fastify builds routeOptions anew at each read: read once)
    const route = request.routeOptions;
    // a route polled by machines (the health probes) logs only its failures
    if (route.config?.accessLog === 'failures' && reply.statusCode < 400) return done();
    access.info(
      {
        reqId: request.id,
        tenant: request.actor?.tenantId,
        // the client's address: from X-Forwarded-For only through trusted proxies (TRUST_PROXY)
        ip: request.ip,
        method: request.method,
        route: route.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
}

export default fp(loggingPlugin, { name: 'logging' });
