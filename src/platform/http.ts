import type { FastifyRequest } from 'fastify';
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
