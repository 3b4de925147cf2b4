/** Mints a development JWT: npm run token -- --scope "partners:read partners:write" [--tenant demo] [--partner <id> [--subtree]] [--sub me] [--ttl 24h] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { mintToken, resolveJwtSecret } from '../src/platform/tokens.js';

const HELP = `usage: npm run token -- [options]

Mints a development JWT (HS256 with JWT_SECRET, or the secret kept in DATA_DIR in development) and prints it.

  --scope "<scopes>"   space-separated scopes (default admin), e.g. "partners:read partners:write"
  --tenant <tenant>    tenant claim (default demo)
  --partner <id>       partner claim: the token sees only that partner's data
  --subtree            with --partner: the token also covers the partner's descendants (partner_scope subtree)
  --sub <subject>      subject (default dev-user)
  --ttl <duration>     lifetime, e.g. 30m, 24h, 7d (default 24h)
  -h, --help           this text

Exit code 2 with one line on stderr when an option or the configuration is wrong.`;

function fail(message: string): never {
  console.error(`token: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      scope: { type: 'string', default: 'admin' },
      tenant: { type: 'string', default: 'demo' },
      partner: { type: 'string' },
      subtree: { type: 'boolean', default: false },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '24h' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  fail(`${(e as Error).message.split('\n')[0]} (npm run token -- --help)`);
}
if (values.help) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}
if (!/^\d+\s*[smhdw]$|^\d+\s*(sec|min|hour|day|week)s?$/i.test(values.ttl)) fail(`--ttl '${values.ttl}' is not a duration (30m, 24h, 7d)`);
let secret: string | undefined;
try {
  secret = resolveJwtSecret(loadConfig());
} catch (e) {
  fail((e as Error).message.split('\n')[0]!);
}
if (!secret) fail('No HS256 secret: set JWT_SECRET (tokens for JWKS_URL come from your identity provider).');
try {
  process.stdout.write(
    (await mintToken(secret, {
      tenant: values.tenant,
      scope: values.scope,
      sub: values.sub,
      ttl: values.ttl,
      ...(values.partner ? { partner: values.partner } : {}),
      ...(values.partner && values.subtree ? { partner_scope: 'subtree' as const } : {}),
    })) + '\n',
  );
} catch (e) {
  fail((e as Error).message.split('\n')[0]!);
}
