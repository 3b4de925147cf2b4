CREATE TABLE "credit_allocations" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"collection_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"allocated_on" date NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	CONSTRAINT "credit_allocations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "credit_allocations_ck" CHECK ("credit_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "credit_collections" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"received_on" date NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" text NOT NULL,
	"invoice_ref" text,
	"unallocated" numeric(18, 4) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_collections_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "credit_collections_ck" CHECK ("credit_collections"."amount" > 0 and "credit_collections"."unallocated" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_accounts" (
	"tenant_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"on_hold" boolean DEFAULT false NOT NULL,
	"hold_reason" text,
	"overdue_tolerance_days" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_accounts_tenant_id_partner_id_pk" PRIMARY KEY("tenant_id","partner_id"),
	CONSTRAINT "credit_accounts_tol_ck" CHECK ("credit_accounts"."overdue_tolerance_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_limits" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" text NOT NULL,
	"effective_from" date NOT NULL,
	"expires_on" date,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_limits_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "credit_limits_kind_ck" CHECK ("credit_limits"."kind" in ('limit','temporary') and ("credit_limits"."kind" = 'limit') = ("credit_limits"."expires_on" is null)),
	CONSTRAINT "credit_limits_amount_ck" CHECK ("credit_limits"."amount" >= 0 and ("credit_limits"."expires_on" is null or "credit_limits"."expires_on" >= "credit_limits"."effective_from"))
);
--> statement-breakpoint
CREATE TABLE "order_invoices" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" text NOT NULL,
	"order_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_invoices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_invoices_ck" CHECK ("order_invoices"."amount" >= 0 and "order_invoices"."due_on" >= "order_invoices"."issued_on")
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"tenant_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"requested_price" numeric(18, 4),
	"unit_price" numeric(18, 4),
	"amount" numeric(18, 4),
	"shipped_quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "order_lines_tenant_id_order_id_line_no_pk" PRIMARY KEY("tenant_id","order_id","line_no"),
	CONSTRAINT "order_lines_qty_ck" CHECK ("order_lines"."quantity" > 0 and "order_lines"."shipped_quantity" >= 0 and "order_lines"."shipped_quantity" <= "order_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE "order_quotas" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_quotas_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_quotas_ck" CHECK ("order_quotas"."period_end" >= "order_quotas"."period_start" and "order_quotas"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_rules" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid,
	"product_id" uuid,
	"min_quantity" numeric(18, 4),
	"min_amount" numeric(18, 4),
	"currency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_rules_kind_ck" CHECK (("order_rules"."product_id" is not null and "order_rules"."min_quantity" is not null and "order_rules"."min_amount" is null) or ("order_rules"."product_id" is null and "order_rules"."min_amount" is not null and "order_rules"."min_quantity" is null))
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"external_id" text,
	"partner_id" uuid NOT NULL,
	"ship_to_territory_id" uuid,
	"ship_to_address" text,
	"requested_date" date NOT NULL,
	"payment_term_days" integer,
	"currency" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"total_amount" numeric(18, 4),
	"refusals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"override_reason" text,
	"overridden_by" text,
	"note" text,
	"submitted_at" timestamp with time zone,
	"approved_on" date,
	"invoiced_on" date,
	"cancelled_on" date,
	"cancel_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "orders_status_ck" CHECK ("orders"."status" in ('draft','submitted','approved','partially_shipped','shipped','invoiced','closed','cancelled')),
	CONSTRAINT "orders_terms_ck" CHECK ("orders"."payment_term_days" is null or "orders"."payment_term_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_shipments" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"shipped_on" date NOT NULL,
	"lines" jsonb NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_shipments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "credit_allocations" ADD CONSTRAINT "credit_allocations_collection_fk" FOREIGN KEY ("tenant_id","collection_id") REFERENCES "credit_collections"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_allocations" ADD CONSTRAINT "credit_allocations_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "order_invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_collections" ADD CONSTRAINT "credit_collections_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_limits" ADD CONSTRAINT "credit_limits_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_invoices" ADD CONSTRAINT "order_invoices_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_invoices" ADD CONSTRAINT "order_invoices_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_quotas" ADD CONSTRAINT "order_quotas_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_quotas" ADD CONSTRAINT "order_quotas_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_rules" ADD CONSTRAINT "order_rules_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_rules" ADD CONSTRAINT "order_rules_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_territory_fk" FOREIGN KEY ("tenant_id","ship_to_territory_id") REFERENCES "territories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_shipments" ADD CONSTRAINT "order_shipments_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_allocations_invoice_idx" ON "credit_allocations" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_collections_external_uq" ON "credit_collections" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "credit_limits_partner_idx" ON "credit_limits" USING btree ("tenant_id","partner_id","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "order_invoices_number_uq" ON "order_invoices" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "order_invoices_partner_idx" ON "order_invoices" USING btree ("tenant_id","partner_id","due_on");--> statement-breakpoint
CREATE INDEX "order_lines_product_idx" ON "order_lines" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_quotas_uq" ON "order_quotas" USING btree ("tenant_id","partner_id","product_id","period_start");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_external_uq" ON "orders" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "orders_partner_idx" ON "orders" USING btree ("tenant_id","partner_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "order_shipments_external_uq" ON "order_shipments" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "order_shipments_order_idx" ON "order_shipments" USING btree ("tenant_id","order_id");