import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { ERROR_CODES } from './errors.js';
import { INPUT_MAX_ITEMS, INPUT_MAX_STRING } from './validate.js';

export const API_VERSION = '0.1.0';

/** What an import (CSV / NDJSON) body may weigh: the import content-type parser's bodyLimit (src/platform/imports.ts). */
const IMPORT_BODY_MAX = 2 * 1024 * 1024 * 1024;
const INT32 = 2 ** 31;
/** Formats that fix a string's length (the format check enforces it). */
const FORMAT_LENGTH: Record<string, number> = { uuid: 36, date: 10 };

type Json = Record<string, unknown>;
type Operation = Json & {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Json[];
  requestBody?: Json & { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, Json & { content?: Record<string, { schema?: Json }>; headers?: Record<string, unknown> }>;
  security?: unknown[];
};

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Operations whose zod body is optional (a bodyless request is valid): their requestBody is not `required`. */
const optionalBodies = new Set<string>();

/**
 * Per-route transform: zod -> JSON Schema (fastify-type-provider-zod), plus what the zod schemas cannot say: an
 * import route (consumes text/csv) without a body schema gets its raw body declared, and an optional body is noted.
 */
function routeTransform(input: Parameters<typeof jsonSchemaTransform>[0]) {
  const schema = (input.schema ?? {}) as Json;
  const parts = Object.values(schema).filter((v) => v && typeof v === 'object' && !Array.isArray(v));
  const zodRoute = parts.some((v) => '_zod' in (v as object) || Object.values(v as object).some((x) => x && typeof x === 'object' && '_zod' in x));
  if (!zodRoute || input.url.startsWith('/graphql') || input.url.startsWith('/graphiql')) {
    return { schema: { ...schema, hide: true }, url: input.url };
  }
  const body = schema.body as ZodType | undefined;
  if (body && typeof schema.operationId === 'string' && body.safeParse(undefined).success) optionalBodies.add(schema.operationId);
  const out = jsonSchemaTransform(input) as { schema: Json; url: string };
  const consumes = schema.consumes as string[] | undefined;
  if (consumes?.includes('text/csv')) {
    const columns = [schema.summary, schema.description].filter(Boolean).join('. ');
    out.schema.body = {
      type: 'string',
      maxLength: IMPORT_BODY_MAX,
      description: `text/csv (header line first) or application/x-ndjson (one JSON object per line). ${columns}`,
    };
  }
  return out;
}

const HEADERS: Record<string, Json> = {
  XRequestId: {
    description: 'The request id (the X-Request-Id the client sent, else one generated); also in the logs',
    schema: { type: 'string', maxLength: 200 },
  },
  ETag: {
    description:
      'Entity tag of the representation: W/"<version>" for versioned resources (If-Match takes it), else a weak hash; If-None-Match with it gives 304',
    schema: { type: 'string', maxLength: 200 },
  },
  Location: { description: 'URL of the created resource (or of the accepted job)', schema: { type: 'string', maxLength: 2000 } },
  IdempotentReplayed: {
    description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  RateLimitLimit: {
    description: 'Requests allowed in the current window (IETF RateLimit header fields)',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
  },
  RateLimitRemaining: { description: 'Requests left in the current window', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 } },
  RateLimitReset: { description: 'Seconds until the window resets', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 } },
  RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 } },
};

const rateLimitHeaders = () => ({
  'RateLimit-Limit': ref('headers', 'RateLimitLimit'),
  'RateLimit-Remaining': ref('headers', 'RateLimitRemaining'),
  'RateLimit-Reset': ref('headers', 'RateLimitReset'),
});

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted (a background job; see Location)',
  '204': 'No content',
  '304': 'Not modified (If-None-Match matched the current ETag)',
};
/** The problem codes a status can carry, from the one error table (errors.ts). */
const problemDescription = (status: string) => {
  const codes = Object.entries(ERROR_CODES)
    .filter(([, v]) => String(v.status) === status)
    .map(([k]) => k);
  return codes.length ? `Problem (${codes.join(', ')})` : 'Problem';
};

const PROBLEM_RESPONSES: Record<string, string> = { '401': 'Unauthenticated', '403': 'Forbidden', '429': 'RateLimited', '500': 'Internal' };

/** Adds `maxLength` / `maxItems` / integer `format` where a schema leaves them open (the validator enforces the same caps). */
function bound(node: unknown, seen = new Set<unknown>()): void {
  if (Array.isArray(node)) {
    for (const x of node) bound(x, seen);
    return;
  }
  if (!isObj(node) || seen.has(node)) return;
  seen.add(node);
  const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : [];
  if (types.includes('string') && node.maxLength === undefined && node.enum === undefined && node.const === undefined)
    node.maxLength = FORMAT_LENGTH[node.format as string] ?? INPUT_MAX_STRING;
  if (types.includes('array') && node.maxItems === undefined) node.maxItems = INPUT_MAX_ITEMS;
  if (types.includes('integer') && node.format === undefined) {
    const min = typeof node.minimum === 'number' ? node.minimum : -Infinity;
    const max = typeof node.maximum === 'number' ? node.maximum : Infinity;
    node.format = min >= -INT32 && max < INT32 ? 'int32' : 'int64';
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'enum' && k !== 'const' && k !== 'example' && k !== 'examples' && k !== 'default') bound(v, seen);
}

/** Every `$ref` target reachable from `start`, following references into components. */
function reachable(doc: Json, start: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObj(node)) return;
    const r = node.$ref;
    if (typeof r === 'string' && r.startsWith('#/components/') && !found.has(r)) {
      found.add(r);
      const [, , kind, name] = r.split('/');
      visit(((doc.components as Json)[kind!] as Json | undefined)?.[name!]);
    }
    for (const v of Object.values(node)) visit(v);
  };
  visit(start);
  return found;
}

/**
 * zod registers an `XInput` twin of every named schema used in a request body. Where the twin says the same as `X`
 * (once its own references to merged twins are read as the originals), references go to `X` and the twin goes.
 */
function mergeInputTwins(doc: Json): void {
  const schemas = ((doc.components as Json).schemas ?? {}) as Json;
  const merged = new Set<string>();
  const canonical = (v: unknown) =>
    JSON.stringify(v).replace(/"#\/components\/schemas\/([^"]+)Input"/g, (m, base: string) =>
      merged.has(`${base}Input`) ? `"#/components/schemas/${base}"` : m,
    );
  for (let changed = true; changed;) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      const base = name.slice(0, -'Input'.length);
      if (!name.endsWith('Input') || merged.has(name) || !(base in schemas)) continue;
      if (canonical(schemas[name]) === canonical(schemas[base])) {
        merged.add(name);
        changed = true;
      }
    }
  }
  const rewrite = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(rewrite);
    if (!isObj(node)) return;
    const r = node.$ref;
    if (typeof r === 'string' && r.startsWith('#/components/schemas/') && merged.has(r.slice(21))) node.$ref = r.slice(0, -'Input'.length);
    for (const v of Object.values(node)) rewrite(v);
  };
  rewrite(doc.paths);
  rewrite(schemas);
  for (const name of merged) delete schemas[name];
  // a twin that differs (defaults make the output view's fields required) takes the plain name when nothing uses
  // the output view: clients see `PartnerUpsert` for the body they send
  const used = reachable(doc, doc.paths);
  for (const name of Object.keys(schemas)) {
    const base = name.slice(0, -'Input'.length);
    if (!name.endsWith('Input') || !(base in schemas) || used.has(`#/components/schemas/${base}`)) continue;
    schemas[base] = schemas[name];
    delete schemas[name];
    merged.add(name);
  }
  rewrite(doc.paths);
  rewrite(schemas);
}

/**
 * The whole-document pass: what every operation shares is declared here once, not route by route. Problems are
 * application/problem+json with 401/403/429/500/503 on every authenticated operation, every response names its headers
 * (X-Request-Id, RateLimit-*, ETag on reads, Location on creates, Idempotent-Replayed on writes), every write takes
 * Idempotency-Key, an optional body is not required, CSV answers are text/csv, strings and arrays are bounded, and
 * components nothing references are dropped.
 */
export function finishDocument(doc: Json): Json {
  const components = (doc.components ??= {}) as Json;
  components.headers = HEADERS;
  components.parameters = {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Makes the write safe to retry: a retry with the same key and body returns the first response (Idempotent-Replayed: true)',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    },
  };
  const problem = (status: string, description: string, headers: Json = {}) => ({
    description,
    headers: { 'X-Request-Id': ref('headers', 'XRequestId'), ...headers },
    content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
  });
  components.responses = {
    Unauthenticated: problem('401', 'Missing, invalid or expired credentials (UNAUTHENTICATED)', rateLimitHeaders()),
    Forbidden: problem('403', 'The credential lacks the scope (FORBIDDEN)', rateLimitHeaders()),
    RateLimited: problem('429', 'Too many requests (RATE_LIMITED); retry after Retry-After seconds', {
      ...rateLimitHeaders(),
      'Retry-After': ref('headers', 'RetryAfter'),
    }),
    Internal: problem('500', 'Unexpected error (INTERNAL); details are logged under the request id'),
    Unavailable: problem(
      '503',
      'The database is unreachable (DATABASE_UNAVAILABLE) or did not finish in time (DATABASE_TIMEOUT: statement or lock timeout, or the tables changed while the request ran); nothing was written unless the problem says what was (an import names the batches it committed); retry after Retry-After seconds',
      { ...rateLimitHeaders(), 'Retry-After': ref('headers', 'RetryAfter') },
    ),
    BadRequest: problem(
      '400',
      'The request is not valid (VALIDATION_FAILED naming each field, e.g. an Idempotency-Key over 255 characters)',
      rateLimitHeaders(),
    ),
    Conflict: problem('409', 'Conflict (IDEMPOTENCY_IN_PROGRESS: a request with this Idempotency-Key is still running)', rateLimitHeaders()),
    Unprocessable: problem('422', 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used for a different request', rateLimitHeaders()),
    PayloadTooLarge: problem('413', 'The body is over the size limit (PAYLOAD_TOO_LARGE)', rateLimitHeaders()),
    UnsupportedMediaType: problem('415', 'The body has a media type the operation does not take (UNSUPPORTED_MEDIA_TYPE)', rateLimitHeaders()),
    NotModified: {
      description: 'Not modified: If-None-Match named the current ETag',
      headers: { 'X-Request-Id': ref('headers', 'XRequestId'), ETag: ref('headers', 'ETag') },
    },
  };
  const schemes = components.securitySchemes as Record<string, Json> | undefined;
  if (schemes?.bearer)
    schemes.bearer.description =
      'A JWT (claims tenant, scope, partner; HS256 or the identity provider keys, exp required, following RFC8725) or an API key ck_live_...';

  for (const ops of Object.values((doc.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!isObj(op) || !op.responses) continue;
      const write = WRITE_METHODS.has(method);
      const secured = op.security === undefined || op.security.length > 0;
      // Idempotency-Key on every write (declared once, referenced)
      if (write) {
        op.parameters = (op.parameters ?? []).filter((p) => String(p.name).toLowerCase() !== 'idempotency-key' || p.in !== 'header');
        op.parameters.push(ref('parameters', 'IdempotencyKey'));
      }
      if (op.requestBody && op.operationId && optionalBodies.has(op.operationId)) op.requestBody.required = false;
      const responses = op.responses;
      for (const [status, res] of Object.entries(responses)) {
        if ('$ref' in res) continue;
        const ok = status.startsWith('2');
        const headers: Json = { 'X-Request-Id': ref('headers', 'XRequestId') };
        if (ok || status.startsWith('4')) Object.assign(headers, rateLimitHeaders());
        if (ok && method === 'get') headers.ETag = ref('headers', 'ETag');
        if (ok && write) headers['Idempotent-Replayed'] = ref('headers', 'IdempotentReplayed');
        if (status === '201' || status === '202') headers.Location = ref('headers', 'Location');
        res.headers = { ...headers, ...(res.headers ?? {}) };
        if (res.description === 'Default Response') res.description = ok ? (STATUS_TEXT[status] ?? 'Success') : problemDescription(status);
        const content = res.content;
        if (!content) continue;
        if (!ok && content['application/json']) {
          content['application/problem+json'] = content['application/json'];
          delete content['application/json'];
        }
        // a JSON-or-CSV answer (z.union([X, z.string()])) is two media types
        const json = content['application/json']?.schema;
        const anyOf = json?.anyOf as Json[] | undefined;
        if (ok && anyOf?.length === 2 && anyOf.some((s) => s.type === 'string')) {
          content['application/json'] = { schema: anyOf.find((s) => s.type !== 'string')! };
          content['text/csv'] = { schema: { type: 'string', maxLength: IMPORT_BODY_MAX, description: 'CSV with a header line' } };
        }
      }
      // an operation that answers CSV and declares no 2xx (the body is written by the handler)
      if (!Object.keys(responses).some((s) => s.startsWith('2')) && /csv/i.test(`${op.operationId ?? ''} ${op.summary ?? ''}`)) {
        responses['200'] = {
          description: 'CSV with a header line',
          headers: { 'X-Request-Id': ref('headers', 'XRequestId'), ...rateLimitHeaders(), ETag: ref('headers', 'ETag') },
          content: { 'text/csv': { schema: { type: 'string', maxLength: IMPORT_BODY_MAX, description: op.summary ?? 'CSV' } } },
        };
      }
      if (secured) {
        for (const s of ['401', '403']) responses[s] = ref('responses', PROBLEM_RESPONSES[s]!);
        // every authenticated operation reads or writes the database: an outage or a timeout is a retryable 503
        responses['503'] ??= ref('responses', 'Unavailable');
      }
      // every write can be refused by the idempotency layer; anything with an input can fail validation
      const hasInput = Boolean(op.requestBody) || (op.parameters ?? []).some((p) => !('$ref' in p));
      if (write || hasInput) responses['400'] ??= ref('responses', 'BadRequest');
      if (write) {
        responses['409'] ??= ref('responses', 'Conflict');
        responses['422'] ??= ref('responses', 'Unprocessable');
      }
      if (op.requestBody) {
        responses['413'] ??= ref('responses', 'PayloadTooLarge');
        responses['415'] ??= ref('responses', 'UnsupportedMediaType');
      }
      if (method === 'get' && responses['200']) responses['304'] ??= ref('responses', 'NotModified');
      responses['429'] ??= ref('responses', 'RateLimited');
      responses['500'] ??= ref('responses', 'Internal');
      // sorted by status: the committed file reads in order
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
  }

  bound(doc.paths);
  bound(components.schemas);

  mergeInputTwins(doc);
  // components nothing references
  const used = reachable(doc, doc.paths);
  for (const kind of ['schemas', 'responses', 'headers', 'parameters']) {
    const group = components[kind] as Json | undefined;
    if (!group) continue;
    for (const name of Object.keys(group)) if (!used.has(`#/components/${kind}/${name}`)) delete group[name];
  }
  return doc;
}

async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Channel API',
        version: API_VERSION,
        description:
          'Distribution channel management: onboarding, policy, targets, incentives, evaluation. ' +
          'Errors are RFC 9457 application/problem+json. Writes accept Idempotency-Key. Money is a decimal string.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: '/', description: 'The server that serves this document (production, staging or local development)', 'x-internal': false } as never],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    // routes without zod schemas (GraphQL, health, docs) pass through untouched
    transform: routeTransform as never,
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as Json) as never,
  });
}

export const openapi = fp(openapiPlugin, { name: 'openapi' });

async function docsPlugin(app: FastifyInstance) {
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
}

export const docs = fp(docsPlugin, { name: 'docs', dependencies: ['openapi'] });
