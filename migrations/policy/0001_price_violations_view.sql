-- Contract read by the incentive and evaluation modules (docs/policy.md): one row per observed resale price
-- that broke the price policy (乱价). Columns are stable; new ones may be added at the end.
CREATE VIEW price_violations AS
SELECT tenant_id, id, partner_id, product_id, observed_on, price, currency, min_resale_price, shortfall,
       price_version_id, deviation_id, source, reference, created_at
FROM price_observations
WHERE is_violation;
