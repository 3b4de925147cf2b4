CREATE TABLE "actual_monthly_dim_totals" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"month" date NOT NULL,
	"product_line_id" uuid,
	"territory_id" uuid,
	"amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "actual_monthly_dim_totals_key_uq" UNIQUE NULLS NOT DISTINCT("tenant_id","stream","month","partner_id","product_line_id","territory_id")
);
--> statement-breakpoint
-- backfill from the facts already stored (the same grouping ingestion maintains from now on)
INSERT INTO "actual_monthly_dim_totals" ("tenant_id", "stream", "partner_id", "month", "product_line_id", "territory_id", "amount", "quantity", "lines")
SELECT tenant_id, 'sell_through', partner_id, date_trunc('month', date)::date, product_line_id, territory_id, sum(amount), sum(quantity), count(*) FROM sell_through_lines GROUP BY 1, 3, 4, 5, 6
UNION ALL
SELECT tenant_id, 'sell_in', partner_id, date_trunc('month', date)::date, product_line_id, null::uuid, sum(amount), sum(quantity), count(*) FROM sell_in_lines GROUP BY 1, 3, 4, 5
UNION ALL
SELECT tenant_id, 'collection', partner_id, date_trunc('month', date)::date, null::uuid, null::uuid, sum(amount), 0, count(*) FROM collections GROUP BY 1, 3, 4;
