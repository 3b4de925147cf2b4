CREATE TABLE "actual_quarterly_totals" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"quarter" date NOT NULL,
	"amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "actual_quarterly_totals_tenant_id_stream_quarter_partner_id_pk" PRIMARY KEY("tenant_id","stream","quarter","partner_id")
);
--> statement-breakpoint
-- backfill: the per-partner monthly totals summed by calendar quarter (ingestion and `totals:rebuild` keep both from now on)
INSERT INTO "actual_quarterly_totals" ("tenant_id", "stream", "partner_id", "quarter", "amount", "quantity", "lines")
SELECT tenant_id, stream, partner_id, date_trunc('quarter', month)::date, sum(amount), sum(quantity), sum(lines)
FROM actual_monthly_totals
GROUP BY 1, 2, 3, 4;
