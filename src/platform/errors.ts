import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';

/** Every expected failure has a code; the code fixes the HTTP status and the problem type. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Resource not found' },
  CONFLICT: { status: 409, title: 'Conflict with the current state' },
  VERSION_CONFLICT: { status: 409, title: 'The resource was changed by someone else' },
  ILLEGAL_TRANSITION: { status: 409, title: 'This state change is not allowed' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition failed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal server error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'The database is unavailable; retry later' },
  DATABASE_TIMEOUT: { status: 503, title: 'The database did not finish in time (statement or lock timeout); retry later' },
} as const;

/** Codes answered with a `Retry-After` header (seconds): transient failures a client should retry. */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = { DATABASE_UNAVAILABLE: 2, DATABASE_TIMEOUT: 2, UNAVAILABLE: 2 };

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The one error type domain code throws for an expected failure. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, opts: { errors?: FieldError[]; extra?: Record<string, unknown> } = {}) {
    super(detail);
    this.name = 'DomainError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    if (opts.errors) this.errors = opts.errors;
    if (opts.extra) this.extra = opts.extra;
  }

  toProblem(instance?: string): Problem {
    // extra members never replace the standard ones (a stray `status` would break the response)
    return {
      ...(this.extra ?? {}),
      type: problemType(this.code),
      title: ERROR_CODES[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (resource: string, id: string) => new DomainError('NOT_FOUND', `${resource} '${id}' was not found`);

export const invalid = (path: string, message: string) => new DomainError('VALIDATION_FAILED', `${path}: ${message}`, { errors: [{ path, message }] });

/** zod issues -> field errors with dotted paths ("address.city", "lines.3.amount"). */
export function zodFieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || (prefix ?? '(root)'),
    message: i.message,
  }));
}

export function validationError(errors: FieldError[]): DomainError {
  const detail = errors
    .slice(0, 3)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
  return new DomainError('VALIDATION_FAILED', detail + (errors.length > 3 ? ` (+${errors.length - 3} more)` : ''), {
    errors,
  });
}

/**
 * Driver-level codes (postgres.js, node:net) of a connection that could not be made or was lost: the database
 * is unreachable, not the request wrong.
 */
const CONNECTION_ERROR_CODES = new Set([
  'DATABASE_UNAVAILABLE', // db.ts: failing fast while a probe finds the database unreachable
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether an error means the driver's connection is gone (closed, reset, refused, or the server ended the
 * session): nothing more may be sent on it.
 */
export function isConnectionLost(err: unknown): boolean {
  const code = driverError(err)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_ERROR_CODES.has(code) || (code.length === 5 && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03'));
}

/** The error a driver threw, under drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
function driverError(err: unknown): { code?: unknown; errno?: unknown; message?: string } | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    if (typeof e.code === 'string') return e as never;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The database is unreachable or out of connections (connection errors, SQLSTATE 08xxx, 53xxx, 57P01-57P03). */
export function databaseUnavailable(err: unknown): DomainError | undefined {
  const e = driverError(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (!code) return undefined;
  if (CONNECTION_ERROR_CODES.has(code)) return new DomainError('DATABASE_UNAVAILABLE', 'The database cannot be reached; retry later');
  if (code.length === 5 && (code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P02' || code === '57P03')) {
    return new DomainError(
      'DATABASE_UNAVAILABLE',
      code === '53300' ? 'The database has no free connection; retry later' : 'The database cannot take the request now; retry later',
    );
  }
  return undefined;
}

/** Database errors that are a client's doing, or transient, mapped to problems; anything else stays a 500. */
export function fromDatabaseError(err: unknown): DomainError | undefined {
  const unavailable = databaseUnavailable(err);
  if (unavailable) return unavailable;
  const e = driverError(err) ?? err;
  const pg = e as { code?: string; constraint_name?: string; constraint?: string; detail?: string; message?: string; routine?: string };
  if (!pg || typeof pg.code !== 'string' || pg.code.length !== 5) return undefined;
  const constraint = pg.constraint_name ?? pg.constraint;
  const extra = constraint ? { constraint } : undefined;
  switch (pg.code) {
    case '23505':
      return new DomainError('CONFLICT', `A record with the same unique key already exists${constraint ? ` (${constraint})` : ''}`, {
        ...(extra ? { extra } : {}),
      });
    case '23P01':
      return new DomainError('CONFLICT', `The record overlaps an existing one${constraint ? ` (${constraint})` : ''}`, { ...(extra ? { extra } : {}) });
    case '23503':
      return new DomainError('UNPROCESSABLE', `A referenced record does not exist or is still referenced${constraint ? ` (${constraint})` : ''}`, {
        ...(extra ? { extra } : {}),
      });
    case '23514':
    case '23502':
      return new DomainError('UNPROCESSABLE', `A value breaks a rule of the data model${constraint ? ` (${constraint})` : ''}`, {
        ...(extra ? { extra } : {}),
      });

    case '40001':
    case '40P01':
      return new DomainError('CONFLICT', 'Concurrent update; retry the request');
    // statement_timeout (57014, also a cancel) and lock_timeout (55P03): never a hung request, a retryable 503
    case '57014':
      return new DomainError('DATABASE_TIMEOUT', 'The database statement took longer than the statement timeout and was cancelled; retry later', {
        extra: { reason: 'statement_timeout' },
      });
    // a prepared statement a table changed shape under (a migration while the service runs): refused once per
    // connection, then prepared afresh (see AutoPrepare in db.ts); inside a transaction the request fails: retryable
    case '0A000':
      if (pg.routine !== 'RevalidateCachedQuery') return undefined;
      return new DomainError('DATABASE_TIMEOUT', 'The tables changed while the request ran; retry', { extra: { reason: 'schema_changed' } });
    case '55P03':
      return new DomainError('DATABASE_TIMEOUT', 'A row or table needed by the request stayed locked longer than the lock timeout; retry later', {
        extra: { reason: 'lock_timeout' },
      });
    default:
      // class 22, data exceptions: a value the client sent (bad format, out of range, NUL byte, too long)
      if (pg.code.startsWith('22'))
        return new DomainError('VALIDATION_FAILED', 'A value has the wrong format, is out of range or contains characters that cannot be stored');
      return undefined;
  }
}

/** Any thrown value -> DomainError (unknown errors become INTERNAL without internals). */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof ZodError) return validationError(zodFieldErrors(err));
  const db = fromDatabaseError(err);
  if (db) return db;
  return new DomainError('INTERNAL', 'An unexpected error occurred; it has been logged');
}

function fastifyClientError(err: FastifyError): DomainError | undefined {
  const status = err.statusCode ?? 0;
  if (status < 400 || status >= 500) return undefined;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new DomainError('UNSUPPORTED_MEDIA_TYPE', err.message);
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new DomainError('PAYLOAD_TOO_LARGE', err.message);
  if (status === 429) return new DomainError('RATE_LIMITED', err.message);
  if (status === 401) return new DomainError('UNAUTHENTICATED', err.message);
  if (status === 404) return new DomainError('NOT_FOUND', err.message);
  if (err.validation) {
    return validationError(
      err.validation.map((v) => ({
        path: [
          err.validationContext,
          ...String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ]
          .filter(Boolean)
          .join('.'),
        message: v.message ?? 'is invalid',
      })),
    );
  }
  return new DomainError('BAD_REQUEST', err.message);
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  const retryAfter = RETRY_AFTER_SECONDS[problem.code];
  if (retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let domain: DomainError;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      domain = validationError(
        err.validation.map((v) => ({
          path: [
            where,
            ...String(v.instancePath ?? '')
              .split('/')
              .filter(Boolean),
          ].join('.'),
          message: v.message ?? 'is invalid',
        })),
      );
    } else if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
      domain = new DomainError('INTERNAL', 'An unexpected error occurred; it has been logged');
    } else {
      domain = (!(err instanceof DomainError) && fastifyClientError(err)) || toDomainError(err);
      if (domain.code === 'DATABASE_UNAVAILABLE' || domain.code === 'DATABASE_TIMEOUT')
        request.log.warn({ err: { message: err.message, code: err.code } }, domain.message);
      else if (domain.status >= 500) request.log.error({ err }, 'unhandled error');
    }
    return sendProblem(reply, domain.toProblem(request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new DomainError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).toProblem(request.url)),
  );

  // Each problem type is a dereferenceable document.
  app.get('/problems/:slug', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const slug = (request.params as { slug: string }).slug;
    const code = slug.toUpperCase().replace(/-/g, '_') as ErrorCode;
    const info = ERROR_CODES[code];
    if (!info) return sendProblem(reply, new DomainError('NOT_FOUND', `No problem type '${slug}'`).toProblem());
    return { type: problemType(code), code, status: info.status, title: info.title };
  });
}

export default fp(errorsPlugin, { name: 'errors' });
