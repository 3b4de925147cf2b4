CREATE TABLE "rep_monthly_totals" (
	"tenant_id" text NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" date NOT NULL,
	"partner_id" uuid NOT NULL,
	"amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rep_monthly_totals_tenant_id_rep_id_month_partner_id_pk" PRIMARY KEY("tenant_id","rep_id","month","partner_id")
);
--> statement-breakpoint
CREATE TABLE "rep_targets" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"metric" text NOT NULL,
	"value" numeric(18, 4) NOT NULL,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rep_targets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "rep_targets_key_uq" UNIQUE("tenant_id","rep_id","period","metric"),
	CONSTRAINT "rep_targets_metric_ck" CHECK ("rep_targets"."metric" in ('sales_amount','quantity')),
	CONSTRAINT "rep_targets_value_ck" CHECK ("rep_targets"."value" >= 0)
);
--> statement-breakpoint
ALTER TABLE "sell_through_lines" ADD COLUMN "rep_id" uuid;--> statement-breakpoint
ALTER TABLE "rep_targets" ADD CONSTRAINT "rep_targets_rep_fk" FOREIGN KEY ("tenant_id","rep_id") REFERENCES "staff_members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rep_monthly_month_idx" ON "rep_monthly_totals" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "rep_targets_period_idx" ON "rep_targets" USING btree ("tenant_id","period","metric");