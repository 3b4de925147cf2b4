/** Mints a development JWT: npm run token -- --scope "partners:read partners:write" [--tenant demo] [--partner <id> [--subtree]] [--sub me] [--ttl 24h] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { mintToken, resolveJwtSecret } from '../src/platform/tokens.js';

const { values } = parseArgs({
  options: {
    scope: { type: 'string', default: 'admin' },
    tenant: { type: 'string', default: 'demo' },
    partner: { type: 'string' },
    subtree: { type: 'boolean', default: false },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '24h' },
  },
});
const config = loadConfig();
const secret = resolveJwtSecret(config);
if (!secret) {
  console.error('No HS256 secret: set JWT_SECRET (tokens for JWKS_URL come from your identity provider).');
  process.exit(2);
}
process.stdout.write(
  (await mintToken(secret, {
    tenant: values.tenant!,
    scope: values.scope!,
    sub: values.sub!,
    ttl: values.ttl!,
    ...(values.partner ? { partner: values.partner } : {}),
    ...(values.partner && values.subtree ? { partner_scope: 'subtree' as const } : {}),
  })) + '\n',
);
