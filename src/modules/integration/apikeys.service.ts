import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { hasScope, PARTNER_PORTAL_SCOPES, requireScope, visiblePartnerIds, type Actor } from '../../platform/actor.js';
import type { CredentialResolver } from '../../platform/auth.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { requireTenantUser } from './feed.service.js';
import { ApiKeyCreate, type ApiKey, type Me } from './integration.schemas.js';
import { apiKeys, type ApiKeyRow } from './integration.tables.js';

export const API_KEY_PREFIX = 'ck_live_';
/** ck_live_<base64url(tenant)>_<64 hex>: the tenant part lets the lookup stay inside one tenant's rows. */
const KEY_PATTERN = /^ck_live_([A-Za-z0-9_-]{1,100})_([0-9a-f]{64})$/;
const LAST_USED_EVERY_MS = 60_000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    hint: r.hint,
    scopes: r.scopes,
    partnerId: r.partnerId,
    partnerScope: r.partnerId ? ((r.partnerScope as 'self' | 'subtree' | null) ?? 'self') : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

export class ApiKeyService {
  /** key id -> when this process last wrote last_used_at (a write at most once a minute per key and process) */
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(private readonly store: Store) {}

  async create(actor: Actor, input: unknown): Promise<ApiKey & { key: string }> {
    requireScope(actor, 'apikeys:write');
    requireTenantUser(actor);
    const data = parseInput(ApiKeyCreate, input);
    // 'partner-portal' is a scope set: the creator must hold every scope in it
    const missing = data.scopes.flatMap((s) => (s === 'partner-portal' ? PARTNER_PORTAL_SCOPES : [s])).filter((s) => !hasScope(actor, s));
    if (missing.length) {
      throw new DomainError('FORBIDDEN', `A key cannot carry scopes its creator lacks: ${missing.join(', ')}`, {
        errors: missing.map((s) => ({ path: 'scopes', message: `you do not hold '${s}'` })),
      });
    }
    if (data.expiresAt && Date.parse(data.expiresAt) <= Date.now()) throw invalid('expiresAt', 'must be in the future');
    const secret = randomBytes(32).toString('hex');
    const key = `${API_KEY_PREFIX}${Buffer.from(actor.tenantId).toString('base64url')}_${secret}`;
    const id = uuidv7();
    const row = await this.store.write(actor, async (w) => {
      const [r] = await w.tx
        .insert(apiKeys)
        .values({
          tenantId: actor.tenantId,
          id,
          name: data.name,
          hint: `${API_KEY_PREFIX}…${secret.slice(-4)}`,
          keyHash: sha256(key),
          scopes: [...new Set(data.scopes)],
          partnerId: data.partnerId ?? null,
          partnerScope: data.partnerId ? (data.partnerScope ?? 'self') : null,
          createdBy: actor.subject,
          expiresAt: data.expiresAt ? new Date(data.expiresAt) : null,
        })
        .returning();
      const k = toApiKey(r!);
      w.audit({ resourceType: 'api_key', resourceId: id, action: 'create', before: null, after: k });
      w.emit({ type: 'api_key.created', resourceType: 'api_key', resourceId: id, payload: { id, name: k.name, scopes: k.scopes } });
      return r!;
    });
    return { ...toApiKey(row), key };
  }

  /** Who the caller is (any valid credential): what a portal reads first to know its own partner. */
  me(actor: Actor): Me {
    return {
      tenantId: actor.tenantId,
      subject: actor.subject,
      kind: actor.kind,
      scopes: [...actor.scopes].sort(),
      partnerId: actor.partnerId ?? null,
      partnerScope: actor.partnerId ? (actor.partnerScope ?? 'self') : null,
      partnerIds: [...(visiblePartnerIds(actor) ?? [])],
    };
  }

  async list(actor: Actor, input: { limit: number; cursor?: string | undefined }): Promise<Page<ApiKey>> {
    requireScope(actor, 'apikeys:write');
    requireTenantUser(actor);
    const conds: (SQL | undefined)[] = [eq(apiKeys.tenantId, actor.tenantId)];
    const after = decodeCursor(input.cursor) as [string] | undefined;
    if (after) conds.push(lt(apiKeys.id, String(after[0])));
    const rows = await this.store.db
      .select()
      .from(apiKeys)
      .where(and(...conds))
      .orderBy(desc(apiKeys.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toApiKey), input.limit, (k) => [k.id]);
  }

  async get(actor: Actor, id: string): Promise<ApiKey> {
    requireScope(actor, 'apikeys:write');
    requireTenantUser(actor);
    const [r] = await this.store.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, actor.tenantId), eq(apiKeys.id, id)));
    if (!r) throw notFound('API key', id);
    return toApiKey(r);
  }

  /** Revokes at once: the next request with the key gets 401 (keys are looked up on every request). */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    requireScope(actor, 'apikeys:write');
    requireTenantUser(actor);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, actor.tenantId), eq(apiKeys.id, id)))
        .for('update');
      if (!before) throw notFound('API key', id);
      if (before.revokedAt) return toApiKey(before);
      const [after] = await w.tx
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(apiKeys.tenantId, actor.tenantId), eq(apiKeys.id, id)))
        .returning();
      w.audit({ resourceType: 'api_key', resourceId: id, action: 'revoke', before: toApiKey(before), after: toApiKey(after!) });
      w.emit({ type: 'api_key.revoked', resourceType: 'api_key', resourceId: id, payload: { id } });
      return toApiKey(after!);
    });
  }

  /** The bearer-credential resolver for AuthOptions.resolvers: ck_live_… keys become api_key actors. */
  readonly resolver: CredentialResolver = async (token) => {
    if (!token.startsWith('ck_')) return undefined;
    const m = KEY_PATTERN.exec(token);
    const bad = () => new DomainError('UNAUTHENTICATED', 'The API key is not valid, has expired or has been revoked');
    if (!m) throw bad();
    const tenantId = Buffer.from(m[1]!, 'base64url').toString('utf8');
    const [row] = await this.store.db
      .select({
        id: apiKeys.id,
        scopes: apiKeys.scopes,
        revokedAt: apiKeys.revokedAt,
        expiresAt: apiKeys.expiresAt,
        partnerId: apiKeys.partnerId,
        partnerScope: apiKeys.partnerScope,
      })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.keyHash, sha256(token))));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw bad();
    this.touch(tenantId, row.id);
    return {
      tenantId,
      subject: `apikey:${row.id}`,
      scopes: new Set(row.scopes),
      kind: 'api_key',
      tokenId: row.id,
      // a partner-bound key is confined like a partner user's token
      ...(row.partnerId ? { partnerId: row.partnerId, partnerScope: row.partnerScope === 'subtree' ? ('subtree' as const) : ('self' as const) } : {}),
    };
  };

  /** last_used_at, written at most once a minute per key by this process, off the request path */
  private touch(tenantId: string, id: string): void {
    const now = Date.now();
    const last = this.lastUsedWritten.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, now);
    if (this.lastUsedWritten.size > 10_000) this.lastUsedWritten.delete(this.lastUsedWritten.keys().next().value!);
    this.store.db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`),
      )
      .then(
        () => {},
        () => this.lastUsedWritten.delete(id),
      );
  }
}
