CREATE TABLE "actual_monthly_totals" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"month" date NOT NULL,
	"amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "actual_monthly_totals_tenant_id_stream_month_partner_id_pk" PRIMARY KEY("tenant_id","stream","month","partner_id")
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"tenant_id" text NOT NULL,
	"external_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"date" date NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"invoice_ref" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collections_tenant_id_external_id_pk" PRIMARY KEY("tenant_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "inventory_snapshots" (
	"tenant_id" text NOT NULL,
	"external_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"product_line_id" uuid,
	"date" date NOT NULL,
	"quantity_on_hand" numeric(18, 4) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_snapshots_tenant_id_external_id_pk" PRIMARY KEY("tenant_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "partner_customers" (
	"tenant_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"first_date" date NOT NULL,
	CONSTRAINT "partner_customers_tenant_id_partner_id_customer_id_pk" PRIMARY KEY("tenant_id","partner_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "sell_in_lines" (
	"tenant_id" text NOT NULL,
	"external_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"product_line_id" uuid,
	"date" date NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sell_in_lines_tenant_id_external_id_pk" PRIMARY KEY("tenant_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "sell_through_lines" (
	"tenant_id" text NOT NULL,
	"external_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"product_line_id" uuid,
	"territory_id" uuid NOT NULL,
	"customer_id" text,
	"date" date NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"cross_region" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sell_through_lines_tenant_id_external_id_pk" PRIMARY KEY("tenant_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "target_period_locks" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"locked_by" text NOT NULL,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "target_period_locks_tenant_id_period_pk" PRIMARY KEY("tenant_id","period")
);
--> statement-breakpoint
CREATE TABLE "target_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"fiscal_year_start_month" integer DEFAULT 1 NOT NULL,
	"sales_basis" text DEFAULT 'sell_through' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "target_settings_fy_ck" CHECK ("target_settings"."fiscal_year_start_month" between 1 and 12),
	CONSTRAINT "target_settings_basis_ck" CHECK ("target_settings"."sales_basis" in ('sell_through','sell_in'))
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"metric" text NOT NULL,
	"product_line_id" uuid,
	"territory_id" uuid,
	"value" numeric(18, 4) NOT NULL,
	"agreement_id" uuid,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "targets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "targets_key_uq" UNIQUE NULLS NOT DISTINCT("tenant_id","partner_id","period","metric","product_line_id","territory_id"),
	CONSTRAINT "targets_metric_ck" CHECK ("targets"."metric" in ('sales_amount','quantity','new_customers','collection_amount')),
	CONSTRAINT "targets_value_ck" CHECK ("targets"."value" >= 0),
	CONSTRAINT "targets_scope_ck" CHECK ("targets"."product_line_id" is null or "targets"."territory_id" is null)
);
--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "actual_monthly_partner_idx" ON "actual_monthly_totals" USING btree ("tenant_id","partner_id","stream","month");--> statement-breakpoint
CREATE INDEX "collections_partner_date_idx" ON "collections" USING btree ("tenant_id","partner_id","date");--> statement-breakpoint
CREATE INDEX "inventory_partner_date_idx" ON "inventory_snapshots" USING btree ("tenant_id","partner_id","date");--> statement-breakpoint
CREATE INDEX "partner_customers_first_idx" ON "partner_customers" USING btree ("tenant_id","first_date","partner_id");--> statement-breakpoint
CREATE INDEX "sell_in_partner_date_idx" ON "sell_in_lines" USING btree ("tenant_id","partner_id","date");--> statement-breakpoint
CREATE INDEX "sell_through_partner_date_idx" ON "sell_through_lines" USING btree ("tenant_id","partner_id","date");--> statement-breakpoint
CREATE INDEX "sell_through_cross_region_idx" ON "sell_through_lines" USING btree ("tenant_id","partner_id","date") WHERE cross_region;--> statement-breakpoint
CREATE INDEX "targets_period_idx" ON "targets" USING btree ("tenant_id","period","metric");