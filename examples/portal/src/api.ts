// The typed client: openapi-fetch over the types that `npm run clients` generates from openapi.yaml, so a renamed
// field or a removed route is a compile error in the portal (npm run typecheck checks this folder too).
import createClient from 'openapi-fetch';
import type { paths } from '../../generated/openapi.js';

export type Api = ReturnType<typeof connect>;

/** A client bound to the API's address and one partner credential (a partner-bound API key or a partner JWT). */
export function connect(baseUrl: string, credential: string) {
  return createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), headers: { Authorization: `Bearer ${credential}` } });
}

/** RFC 9457 problem+json (every error of the API): the title, the detail and the fields named. */
export function problemText(error: unknown): string {
  const p = error as { title?: string; detail?: string; errors?: { path: string; message: string }[] } | undefined;
  if (!p) return 'request failed';
  const fields = p.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  return [p.detail ?? p.title ?? 'request failed', fields].filter(Boolean).join(' — ');
}
