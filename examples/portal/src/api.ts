// The typed client: the API's own client package (clients/typescript, `@channel-api/client`), generated from
// openapi.yaml, so a renamed field or a removed route is a compile error in the portal (npm run typecheck checks it).
import { createChannelClient, type ChannelClient } from '../../../clients/typescript/src/index.js';

export type Api = ChannelClient;

/** A client bound to the API's address and one partner credential (a partner-bound API key or a partner JWT). */
export function connect(baseUrl: string, credential: string): Api {
  return createChannelClient({ baseUrl, credential });
}

/** RFC 9457 problem+json (every error of the API): the title, the detail and the fields named. */
export function problemText(error: unknown): string {
  const p = error as { title?: string; detail?: string; errors?: { path: string; message: string }[] } | undefined;
  if (!p) return 'request failed';
  const fields = p.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  return [p.detail ?? p.title ?? 'request failed', fields].filter(Boolean).join(' — ');
}
