/**
 * The shared kernel: what every module uses and nobody writes twice. Import from here
 * (`../../platform/kernel/index.js`), never copy.
 */
export * from './money.js';
export * from './schemas.js';
export * from './rows.js';
export * from './graphql-args.js';
export {
  requireTenantUser,
  requireScope,
  requireOwnPartner,
  canSeePartner,
  visiblePartnerIds,
  partnerCondition,
  partnerSql,
  hasScope,
  systemActor,
  type Actor,
} from '../actor.js';
export {
  decodeCursor,
  decodeUuidCursor,
  decodeCursorOf,
  encodeCursor,
  keyset,
  toPage,
  toConnection,
  offsetConnection,
  offsetPage,
  pageSchema,
  PageQuery,
  type Page,
  type PageInput,
} from '../pagination.js';
export * from './periods.js';
