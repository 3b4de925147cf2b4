ALTER TABLE "agreements" DROP CONSTRAINT "agreements_status_ck";--> statement-breakpoint
CREATE UNIQUE INDEX "agreements_one_scheduled_per_partner_uq" ON "agreements" USING btree ("tenant_id","partner_id") WHERE status = 'scheduled';--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_status_ck" CHECK ("agreements"."status" in ('draft','scheduled','active','expired','terminated'));--> statement-breakpoint
-- partner_territory_rights (same columns and types as 0002/0004), now DATED: every agreement that was ever in force
-- (scheduled, active, expired, terminated) grants its rights for its own term, cut at the day it ended (ended_on),
-- so a question about a date is answered from the agreement in force on that date and history is kept: an expired
-- 2026 agreement still answers for 2026 sales, a scheduled 2027 renewal answers for 2027.
--   'agreement':    territory assignments x the products and lines that agreement authorises;
--   'cross_region': approved cross-region requests (their own line or product, their own period).
-- Rights belong to partners that are active now (a suspended partner sells nowhere).
CREATE OR REPLACE VIEW "partner_territory_rights" AS
WITH RECURSIVE grants AS (
  SELECT a.tenant_id, a.partner_id, at.territory_id,
         COALESCE(at.product_line_id, ap.product_line_id, p.line_id) AS product_line_id,
         ap.product_id,
         a.start_date AS valid_from, LEAST(a.end_date, COALESCE(a.ended_on, a.end_date)) AS valid_to, 'agreement'::text AS source
  FROM agreements a
  JOIN agreement_territories at ON at.tenant_id = a.tenant_id AND at.agreement_id = a.id
  JOIN agreement_products ap ON ap.tenant_id = a.tenant_id AND ap.agreement_id = a.id
  LEFT JOIN products p ON p.tenant_id = ap.tenant_id AND p.id = ap.product_id
  WHERE a.status IN ('scheduled', 'active', 'expired', 'terminated')
    AND LEAST(a.end_date, COALESCE(a.ended_on, a.end_date)) >= a.start_date
    AND (at.product_line_id IS NULL OR at.product_line_id = COALESCE(ap.product_line_id, p.line_id))
  UNION ALL
  SELECT c.tenant_id, c.partner_id, c.territory_id, COALESCE(c.product_line_id, p.line_id), c.product_id,
         c.valid_from, c.valid_to, 'cross_region'::text
  FROM cross_region_requests c
  LEFT JOIN products p ON p.tenant_id = c.tenant_id AND p.id = c.product_id
  WHERE c.status = 'approved'
),
tree AS (
  SELECT g.tenant_id, g.partner_id, g.territory_id, g.product_line_id, g.product_id, g.valid_from, g.valid_to, g.source, 1 AS depth
  FROM grants g
  JOIN partners pa ON pa.tenant_id = g.tenant_id AND pa.id = g.partner_id AND pa.status = 'active'
  UNION ALL
  SELECT t.tenant_id, t.partner_id, c.id, t.product_line_id, t.product_id, t.valid_from, t.valid_to, t.source, t.depth + 1
  FROM tree t
  JOIN territories c ON c.tenant_id = t.tenant_id AND c.parent_id = t.territory_id
  WHERE t.depth < 20
)
SELECT tenant_id::text AS tenant_id, partner_id::uuid AS partner_id, territory_id::uuid AS territory_id,
       product_line_id::uuid AS product_line_id, product_id::uuid AS product_id,
       valid_from::date AS valid_from, valid_to::date AS valid_to, source::text AS source
FROM tree;
