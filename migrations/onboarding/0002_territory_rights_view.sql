-- Contract for other modules (target: cross-region marking; policy: channel protection): one row per right of a
-- partner to sell in a territory, flattened to every territory it covers (descendants included), optionally
-- limited to a product line or product, for a date range (null = open). Sources: 'agreement' (territories of an
-- active agreement) and 'cross_region' (approved cross-region requests). Until the onboarding module fills it in
-- (CREATE OR REPLACE VIEW in a later migration) it is empty.
CREATE VIEW "partner_territory_rights" AS
SELECT
  NULL::text AS tenant_id,
  NULL::uuid AS partner_id,
  NULL::uuid AS territory_id,
  NULL::uuid AS product_line_id,
  NULL::uuid AS product_id,
  NULL::date AS valid_from,
  NULL::date AS valid_to,
  NULL::text AS source
WHERE false;
