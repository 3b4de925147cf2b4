/**
 * The policy module's contract: the only file of this module another module may import (checked by the boundary
 * check).
 */
import { sql, type SQL } from 'drizzle-orm';

/**
 * Price resolution for other modules (orders): `resolvePricesFor(db, tenantId, { partner, date, lines })` answers the
 * applicable price, discounts and source of each line in a fixed number of statements, whatever the line count.
 */
export { resolvePricesFor, type PriceRequest } from './price-resolution.service.js';
/** The resolved price of one line (zod schema and type): orders embed it as the explanation of a checked line. */
export { ResolvedPrice } from './policy.schemas.js';
/**
 * The minimum resale price in force per (partner, product, date) as SQL over a relation of lines, and whether any is
 * published: implement target's PriceFloorSource port.
 */
export { priceFloorsSql, anyResaleFloor } from './price-resolution.service.js';

export const policySql = {
  /**
   * Observed resale prices that broke the price policy (乱价), one row each: tenant_id, id, partner_id, product_id,
   * observed_on, price, currency, min_resale_price, shortfall, price_version_id, deviation_id, source, reference,
   * created_at (the price_violations view; columns are stable, new ones may be added at the end).
   */
  violations: (tenantId: string): SQL =>
    sql`(select tenant_id, id, partner_id, product_id, observed_on, price, currency, min_resale_price, shortfall, price_version_id, deviation_id, source, reference, created_at
          from price_violations where tenant_id = ${tenantId})`,
};
