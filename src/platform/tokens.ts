import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Config } from '../config.js';

export interface TokenClaims {
  tenant: string;
  scope: string;
  partner?: string;
  /** `subtree`: the partner credential also covers the partner's descendants */
  partner_scope?: 'self' | 'subtree';
  sub?: string;
  /** lifetime, e.g. "24h", "30m", "7d" */
  ttl?: string;
}

/** Mints an HS256 development token (production tokens come from the tenant's identity provider). */
export async function mintToken(secret: string, claims: TokenClaims): Promise<string> {
  const jwt = new SignJWT({
    tenant: claims.tenant,
    scope: claims.scope,
    ...(claims.partner ? { partner: claims.partner } : {}),
    ...(claims.partner && claims.partner_scope ? { partner_scope: claims.partner_scope } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? 'dev-user')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '24h');
  return jwt.sign(new TextEncoder().encode(secret));
}

/**
 * The HS256 secret: JWT_SECRET when set; in development without one, a random secret kept in DATA_DIR
 * (git-ignored) so restarts and `npm run token` agree. Never a secret committed to the repository.
 */
export function resolveJwtSecret(config: Pick<Config, 'JWT_SECRET' | 'JWKS_URL' | 'NODE_ENV' | 'DATA_DIR'>): string | undefined {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.JWKS_URL || config.NODE_ENV === 'production') return undefined;
  const file = join(config.DATA_DIR, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
