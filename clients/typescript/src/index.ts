/**
 * @channel-api/client: the Channel API's REST interface as typed calls. The types (`openapi.d.ts`) are generated
 * from the API's `openapi.yaml` by openapi-typescript (`npm run clients` in the API repository); the calls are
 * openapi-fetch's, so every path, parameter, body and answer is checked by the compiler.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi.js';

export type { components, operations, paths } from './openapi.js';
export type Schemas = components['schemas'];
/** RFC 9457 problem+json: every error of the API. `code` is stable (VALIDATION_FAILED, NOT_FOUND, ...). */
export type Problem = components['schemas']['Problem'];
export type ChannelClient = Client<paths>;

/** The version of the API this client was generated from (the `info.version` of openapi.yaml). */
export const API_VERSION = '0.1.0';

export interface ChannelClientOptions {
  /** e.g. https://channel.example.com (no trailing /v1) */
  baseUrl: string;
  /** a JWT or an API key (ck_live_...), or a function giving the current one (called for each request) */
  credential: string | (() => string | Promise<string>);
  /** a fetch implementation (default: the global fetch) */
  fetch?: typeof fetch;
  /** headers sent with every request (a User-Agent for your integration, say) */
  headers?: Record<string, string>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A client bound to one API and credential. Writes carry an `Idempotency-Key` (a random UUID unless you pass one in
 * `headers`), so a retry after a network error never writes twice.
 */
export function createChannelClient(options: ChannelClientOptions): ChannelClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const auth: Middleware = {
    async onRequest({ request }) {
      const credential = typeof options.credential === 'function' ? await options.credential() : options.credential;
      request.headers.set('Authorization', `Bearer ${credential}`);
      if (WRITES.has(request.method) && !request.headers.has('Idempotency-Key')) request.headers.set('Idempotency-Key', crypto.randomUUID());
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** An answer that was not 2xx, with the problem the API sent. */
export class ChannelApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem | undefined;
  constructor(status: number, problem: Problem | undefined) {
    super(problem ? `${status} ${problem.code ?? problem.title}: ${problem.detail ?? problem.title}` : `HTTP ${status}`);
    this.name = 'ChannelApiError';
    this.status = status;
    this.code = problem?.code;
    this.problem = problem;
  }
}

/** The data of a 2xx answer, or a thrown ChannelApiError: `const me = unwrap(await api.GET('/v1/me'))`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new ChannelApiError(result.response.status, result.error as Problem | undefined);
}

/**
 * Every item of a cursor-paged list, page after page:
 * `for await (const p of pages((cursor) => api.GET('/v1/partners', { params: { query: { limit: 200, cursor } } })))`.
 */
export async function* pages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: { data: T[]; nextCursor: string | null }; error?: unknown; response: Response }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = unwrap(await fetchPage(cursor));
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
