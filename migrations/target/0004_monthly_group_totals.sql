CREATE TABLE "actual_group_partners" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"partner_type" text NOT NULL,
	"region_code" text,
	CONSTRAINT "actual_group_partners_pk" PRIMARY KEY("tenant_id","stream","partner_id")
);
--> statement-breakpoint
CREATE TABLE "actual_monthly_group_totals" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"dim" text NOT NULL,
	"month" date NOT NULL,
	"partner_type" text NOT NULL,
	"group_key" text NOT NULL,
	"amount" numeric(24, 4) DEFAULT '0' NOT NULL,
	"quantity" numeric(24, 4) DEFAULT '0' NOT NULL,
	"lines" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "actual_monthly_group_totals_pk" PRIMARY KEY("tenant_id","stream","dim","month","partner_type","group_key"),
	CONSTRAINT "actual_monthly_group_totals_dim_ck" CHECK ("actual_monthly_group_totals"."dim" in ('home','product_line','sale_territory'))
);
--> statement-breakpoint
-- backfill: every partner with totals is filed under its type and home territory of now, and the group totals are
-- the per-partner totals summed under those (the same as `totals:rebuild` does; ingestion keeps both from now on)
INSERT INTO "actual_group_partners" ("tenant_id", "stream", "partner_id", "partner_type", "region_code")
SELECT DISTINCT m.tenant_id, m.stream, m.partner_id, p.type, p.region_code
FROM actual_monthly_totals m JOIN partners p ON p.tenant_id = m.tenant_id AND p.id = m.partner_id;
--> statement-breakpoint
INSERT INTO "actual_monthly_group_totals" ("tenant_id", "stream", "dim", "month", "partner_type", "group_key", "amount", "quantity", "lines")
SELECT m.tenant_id, m.stream, 'home', m.month, k.partner_type, coalesce(k.region_code, ''), sum(m.amount), sum(m.quantity), sum(m.lines)
FROM actual_monthly_totals m JOIN actual_group_partners k ON k.tenant_id = m.tenant_id AND k.stream = m.stream AND k.partner_id = m.partner_id
GROUP BY 1, 2, 4, 5, 6
UNION ALL
SELECT d.tenant_id, d.stream, 'product_line', d.month, k.partner_type, coalesce(d.product_line_id::text, ''), sum(d.amount), sum(d.quantity), sum(d.lines)
FROM actual_monthly_dim_totals d JOIN actual_group_partners k ON k.tenant_id = d.tenant_id AND k.stream = d.stream AND k.partner_id = d.partner_id
WHERE d.stream IN ('sell_in', 'sell_through')
GROUP BY 1, 2, 4, 5, 6
UNION ALL
SELECT d.tenant_id, d.stream, 'sale_territory', d.month, k.partner_type, coalesce(d.territory_id::text, ''), sum(d.amount), sum(d.quantity), sum(d.lines)
FROM actual_monthly_dim_totals d JOIN actual_group_partners k ON k.tenant_id = d.tenant_id AND k.stream = d.stream AND k.partner_id = d.partner_id
WHERE d.stream = 'sell_through'
GROUP BY 1, 2, 4, 5, 6;
