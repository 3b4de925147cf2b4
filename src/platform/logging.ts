import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { LoggerOptions } from 'pino';

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.secret', '*.password', '*.token', '*.apiKey'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
    },
  };
}

/** One log line per request: request id, tenant, client IP, route, status, duration. */
async function loggingPlugin(app: FastifyInstance) {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        tenant: request.actor?.tenantId,
        // the client's address: from X-Forwarded-For only through trusted proxies (TRUST_PROXY)
        ip: request.ip,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0],
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
