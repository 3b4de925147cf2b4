CREATE TABLE "channel_terms" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_value" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"effective_from" date,
	"effective_to" date,
	"return_window_days" integer,
	"return_conditions" text,
	"credit_limit" numeric(18, 4),
	"credit_currency" text,
	"payment_terms_days" integer,
	"territory_exclusivity" boolean,
	"cross_region_selling" text,
	"copied_from_id" uuid,
	"published_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_terms_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "channel_terms_scope_ck" CHECK (("channel_terms"."scope_kind" = 'default' and "channel_terms"."scope_value" is null) or ("channel_terms"."scope_kind" = 'channel' and "channel_terms"."scope_value" in ('online','offline')) or ("channel_terms"."scope_kind" in ('partner_type','tier','partner') and "channel_terms"."scope_value" is not null)),
	CONSTRAINT "channel_terms_status_ck" CHECK ("channel_terms"."status" in ('draft','published','retired')),
	CONSTRAINT "channel_terms_dates_ck" CHECK ("channel_terms"."effective_to" is null or "channel_terms"."effective_from" is null or "channel_terms"."effective_to" >= "channel_terms"."effective_from"),
	CONSTRAINT "channel_terms_cross_ck" CHECK ("channel_terms"."cross_region_selling" is null or "channel_terms"."cross_region_selling" in ('forbidden','allowed_with_request')),
	CONSTRAINT "channel_terms_numbers_ck" CHECK (("channel_terms"."return_window_days" is null or "channel_terms"."return_window_days" >= 0) and ("channel_terms"."payment_terms_days" is null or "channel_terms"."payment_terms_days" >= 0) and ("channel_terms"."credit_limit" is null or "channel_terms"."credit_limit" >= 0)),
	CONSTRAINT "channel_terms_credit_ck" CHECK (("channel_terms"."credit_limit" is null) = ("channel_terms"."credit_currency" is null))
);
--> statement-breakpoint
CREATE TABLE "price_deviations" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"price" numeric(18, 4) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_deviations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "price_deviations_status_ck" CHECK ("price_deviations"."status" in ('pending','approved','rejected')),
	CONSTRAINT "price_deviations_kind_ck" CHECK ("price_deviations"."kind" in ('below_min_resale','above_list')),
	CONSTRAINT "price_deviations_dates_ck" CHECK ("price_deviations"."valid_to" >= "price_deviations"."valid_from"),
	CONSTRAINT "price_deviations_price_ck" CHECK ("price_deviations"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "price_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"product_id" uuid,
	"line_id" uuid,
	"distribution_price" numeric(18, 4) NOT NULL,
	"suggested_retail_price" numeric(18, 4) NOT NULL,
	"min_resale_price" numeric(18, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "price_lines_target_ck" CHECK (("price_lines"."product_id" is null) <> ("price_lines"."line_id" is null)),
	CONSTRAINT "price_lines_amounts_ck" CHECK ("price_lines"."distribution_price" >= 0 and "price_lines"."suggested_retail_price" >= 0 and ("price_lines"."min_resale_price" is null or ("price_lines"."min_resale_price" >= 0 and "price_lines"."min_resale_price" <= "price_lines"."suggested_retail_price")))
);
--> statement-breakpoint
CREATE TABLE "price_observations" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"observed_on" date NOT NULL,
	"price" numeric(18, 4) NOT NULL,
	"currency" text,
	"source" text NOT NULL,
	"reference" text,
	"min_resale_price" numeric(18, 4),
	"price_version_id" uuid,
	"deviation_id" uuid,
	"is_violation" boolean NOT NULL,
	"shortfall" numeric(18, 4),
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_observations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "price_observations_price_ck" CHECK ("price_observations"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "price_policies" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_value" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_policies_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "price_policies_scope_ck" CHECK (("price_policies"."scope_kind" = 'default' and "price_policies"."scope_value" is null) or ("price_policies"."scope_kind" = 'channel' and "price_policies"."scope_value" in ('online','offline')) or ("price_policies"."scope_kind" in ('partner_type','tier','partner') and "price_policies"."scope_value" is not null)),
	CONSTRAINT "price_policies_currency_ck" CHECK ("price_policies"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "price_versions" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"effective_from" date,
	"effective_to" date,
	"discount_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"copied_from_id" uuid,
	"published_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "price_versions_status_ck" CHECK ("price_versions"."status" in ('draft','published','retired')),
	CONSTRAINT "price_versions_dates_ck" CHECK ("price_versions"."effective_to" is null or "price_versions"."effective_from" is null or "price_versions"."effective_to" >= "price_versions"."effective_from"),
	CONSTRAINT "price_versions_published_from_ck" CHECK ("price_versions"."status" = 'draft' or "price_versions"."effective_from" is not null)
);
--> statement-breakpoint
ALTER TABLE "price_deviations" ADD CONSTRAINT "price_deviations_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_deviations" ADD CONSTRAINT "price_deviations_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_lines" ADD CONSTRAINT "price_lines_version_fk" FOREIGN KEY ("tenant_id","version_id") REFERENCES "price_versions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_lines" ADD CONSTRAINT "price_lines_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_lines" ADD CONSTRAINT "price_lines_line_fk" FOREIGN KEY ("tenant_id","line_id") REFERENCES "product_lines"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_observations" ADD CONSTRAINT "price_observations_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_observations" ADD CONSTRAINT "price_observations_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_versions" ADD CONSTRAINT "price_versions_policy_fk" FOREIGN KEY ("tenant_id","policy_id") REFERENCES "price_policies"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_terms_scope_idx" ON "channel_terms" USING btree ("tenant_id","scope_kind","scope_value","status");--> statement-breakpoint
CREATE INDEX "price_deviations_lookup_idx" ON "price_deviations" USING btree ("tenant_id","partner_id","product_id","status","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "price_lines_product_uq" ON "price_lines" USING btree ("tenant_id","version_id","product_id") WHERE product_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "price_lines_line_uq" ON "price_lines" USING btree ("tenant_id","version_id","line_id") WHERE line_id is not null;--> statement-breakpoint
CREATE INDEX "price_lines_product_idx" ON "price_lines" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE INDEX "price_lines_line_idx" ON "price_lines" USING btree ("tenant_id","line_id");--> statement-breakpoint
CREATE INDEX "price_observations_partner_idx" ON "price_observations" USING btree ("tenant_id","partner_id","observed_on");--> statement-breakpoint
CREATE INDEX "price_observations_violation_idx" ON "price_observations" USING btree ("tenant_id","observed_on","partner_id") WHERE is_violation;--> statement-breakpoint
CREATE UNIQUE INDEX "price_observations_ref_uq" ON "price_observations" USING btree ("tenant_id","source","reference") WHERE reference is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "price_policies_code_uq" ON "price_policies" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "price_policies_scope_idx" ON "price_policies" USING btree ("tenant_id","scope_kind","scope_value");--> statement-breakpoint
CREATE UNIQUE INDEX "price_versions_number_uq" ON "price_versions" USING btree ("tenant_id","policy_id","number");--> statement-breakpoint
CREATE INDEX "price_versions_live_idx" ON "price_versions" USING btree ("tenant_id","status","effective_from");