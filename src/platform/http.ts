import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { DomainError } from './errors.js';

/** RFC 9457 problem, as documented in OpenAPI (served as application/problem+json). */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().describe('Stable machine-readable code, the same as GraphQL extensions.code'),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const ALL = [400, 401, 403, 404, 409, 412, 422] as const;
type ProblemStatus = (typeof ALL)[number];

/** Response schemas for the problems a route can answer with. */
export function problems(...statuses: ProblemStatus[]): Record<number, typeof ProblemSchema> {
  const out: Record<number, typeof ProblemSchema> = {};
  for (const s of statuses.length ? statuses : ALL) out[s] = ProblemSchema;
  return out;
}

export const etag = (version: number) => `W/"${version}"`;

/**
 * The ETag of a page of versioned resources: a hash of its items' ids and versions and of its next cursor, which
 * decide its body as long as every change of an item raises its version. For the hot lists (issue 15): hashing the
 * page's ~20 KB body (conditionalReads' default) was ~4% of a list's CPU; this hashes ~2 KB.
 */
export function pageEtag(items: readonly { id: string; version: number }[], nextCursor: string | null, representation: string): string {
  // `representation` names the shape the items are written in (e.g. the schema's fields), so that a release that
  // writes them otherwise does not answer 304 to a tag of the old shape
  let s = `${representation}|${nextCursor ?? ''}`;
  for (const i of items) s += `,${i.id}:${i.version}`;
  return `W/"p${hash('sha1', s, 'base64url').slice(0, 22)}"`;
}

/** The version an If-Match header names, if any ("3", W/"3"). */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const h = request.headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(String(h));
  if (!m) throw new DomainError('PRECONDITION_FAILED', `If-Match '${h}' is not an ETag this API issued`);
  return Number(m[1]);
}

/** Shared path parameter for resources addressed by UUID. */
export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

/**
 * `/base/:id:action` routes (Google AIP-136 custom methods, e.g. POST /v1/partners/{id}:activate). find-my-way
 * tells two literal-colon suffixes of one parameter apart only when the parameter carries a regex, so the id is
 * matched as a UUID (or the given pattern) and `::` writes the literal colon. OpenAPI shows `{id}:action`.
 */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const actionPath = (base: string, action: string, param = 'id', pattern = UUID_PATTERN) => `${base}/:${param}(${pattern})::${action}`;

/** Weak comparison of an If-None-Match list with an ETag (RFC 9110 13.1.2): `*` or any listed tag, W/ ignored. */
function noneMatch(header: string, tag: string): boolean {
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => opaque(t) === opaque(tag));
}

/**
 * Conditional reads for every GET: a 200 without an ETag gets a weak one from a hash of its body (versioned resources
 * set W/"<version>" themselves), and If-None-Match naming the current tag turns the answer into a bodyless 304.
 */
async function conditionalReadsPlugin(app: FastifyInstance) {
  // callback hooks (here and in the other per-request platform hooks): no promise per request and hook (issue 15)
  app.addHook('onSend', (request, reply, payload, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    let tag = reply.getHeader('etag') as string | undefined;
    if (!tag) {
      // one-shot hash (no Hash object per response): the same tag as createHash('sha1')…digest('base64url')
      tag = `W/"h${hash('sha1', payload, 'base64url').slice(0, 22)}"`;
      reply.header('etag', tag);
    }
    const inm = request.headers['if-none-match'];
    if (inm && noneMatch(String(inm), String(tag))) {
      reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return done(null, '');
    }
    done(null, payload);
  });
}

export const conditionalReads = fp(conditionalReadsPlugin, { name: 'conditional-reads' });
