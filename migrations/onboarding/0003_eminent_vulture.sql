CREATE TABLE "agreement_products" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"agreement_id" uuid NOT NULL,
	"product_id" uuid,
	"product_line_id" uuid,
	CONSTRAINT "agreement_products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "agreement_products_one_ck" CHECK (("agreement_products"."product_id" is null) <> ("agreement_products"."product_line_id" is null))
);
--> statement-breakpoint
CREATE TABLE "agreement_territories" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"agreement_id" uuid NOT NULL,
	"territory_id" uuid NOT NULL,
	"product_line_id" uuid,
	"line_key" uuid NOT NULL,
	"exclusive" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	CONSTRAINT "agreement_territories_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "agreements" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"policy_ref" text,
	"note" text,
	"application_id" uuid,
	"renewal_of_id" uuid,
	"activated_at" timestamp with time zone,
	"end_reason" text,
	"ended_on" date,
	"end_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agreements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "agreements_status_ck" CHECK ("agreements"."status" in ('draft','active','expired','terminated')),
	CONSTRAINT "agreements_term_ck" CHECK ("agreements"."end_date" >= "agreements"."start_date"),
	CONSTRAINT "agreements_end_reason_ck" CHECK ("agreements"."end_reason" is null or "agreements"."end_reason" in ('expiry','breach','mutual'))
);
--> statement-breakpoint
CREATE TABLE "application_checks" (
	"tenant_id" text NOT NULL,
	"application_id" uuid NOT NULL,
	"kind_id" uuid NOT NULL,
	"result" text NOT NULL,
	"note" text,
	"reviewer" text NOT NULL,
	"reviewed_on" date NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_checks_tenant_id_application_id_kind_id_pk" PRIMARY KEY("tenant_id","application_id","kind_id"),
	CONSTRAINT "application_checks_result_ck" CHECK ("application_checks"."result" in ('pass','fail','na'))
);
--> statement-breakpoint
CREATE TABLE "application_scores" (
	"tenant_id" text NOT NULL,
	"application_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"score" numeric(7, 4) NOT NULL,
	"note" text,
	"reviewer" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_scores_tenant_id_application_id_criterion_id_pk" PRIMARY KEY("tenant_id","application_id","criterion_id"),
	CONSTRAINT "application_scores_range_ck" CHECK ("application_scores"."score" >= 0 and "application_scores"."score" <= 100)
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"partner_code" text NOT NULL,
	"legal_name" text NOT NULL,
	"partner_type" text NOT NULL,
	"channel" text DEFAULT 'offline' NOT NULL,
	"contact_name" text,
	"contact_email" text,
	"contact_phone" text,
	"address" jsonb,
	"requested_territory_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requested_product_line_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"capabilities" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"documents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"partner_id" uuid,
	"agreement_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "applications_status_ck" CHECK ("applications"."status" in ('draft','submitted','under_review','approved','rejected','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "checklist_item_kinds" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checklist_item_kinds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cross_region_requests" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"territory_id" uuid NOT NULL,
	"product_line_id" uuid,
	"product_id" uuid,
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
	CONSTRAINT "cross_region_requests_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "cross_region_requests_status_ck" CHECK ("cross_region_requests"."status" in ('pending','approved','rejected')),
	CONSTRAINT "cross_region_requests_period_ck" CHECK ("cross_region_requests"."valid_to" >= "cross_region_requests"."valid_from"),
	CONSTRAINT "cross_region_requests_scope_ck" CHECK ("cross_region_requests"."product_line_id" is not null or "cross_region_requests"."product_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "onboarding_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"min_score" numeric(7, 4),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_status_history" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text,
	"subject" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_status_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "screening_criteria" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"weight" numeric(7, 4) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "screening_criteria_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "screening_criteria_weight_ck" CHECK ("screening_criteria"."weight" > 0 and "screening_criteria"."weight" <= 100)
);
--> statement-breakpoint
ALTER TABLE "agreement_products" ADD CONSTRAINT "agreement_products_agreement_fk" FOREIGN KEY ("tenant_id","agreement_id") REFERENCES "agreements"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_products" ADD CONSTRAINT "agreement_products_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_products" ADD CONSTRAINT "agreement_products_line_fk" FOREIGN KEY ("tenant_id","product_line_id") REFERENCES "product_lines"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_territories" ADD CONSTRAINT "agreement_territories_agreement_fk" FOREIGN KEY ("tenant_id","agreement_id") REFERENCES "agreements"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_territories" ADD CONSTRAINT "agreement_territories_territory_fk" FOREIGN KEY ("tenant_id","territory_id") REFERENCES "territories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_territories" ADD CONSTRAINT "agreement_territories_line_fk" FOREIGN KEY ("tenant_id","product_line_id") REFERENCES "product_lines"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_renewal_fk" FOREIGN KEY ("tenant_id","renewal_of_id") REFERENCES "agreements"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_checks" ADD CONSTRAINT "application_checks_app_fk" FOREIGN KEY ("tenant_id","application_id") REFERENCES "applications"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_checks" ADD CONSTRAINT "application_checks_kind_fk" FOREIGN KEY ("tenant_id","kind_id") REFERENCES "checklist_item_kinds"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_scores" ADD CONSTRAINT "application_scores_app_fk" FOREIGN KEY ("tenant_id","application_id") REFERENCES "applications"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_scores" ADD CONSTRAINT "application_scores_criterion_fk" FOREIGN KEY ("tenant_id","criterion_id") REFERENCES "screening_criteria"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cross_region_requests" ADD CONSTRAINT "cross_region_requests_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cross_region_requests" ADD CONSTRAINT "cross_region_requests_territory_fk" FOREIGN KEY ("tenant_id","territory_id") REFERENCES "territories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cross_region_requests" ADD CONSTRAINT "cross_region_requests_line_fk" FOREIGN KEY ("tenant_id","product_line_id") REFERENCES "product_lines"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cross_region_requests" ADD CONSTRAINT "cross_region_requests_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_status_history" ADD CONSTRAINT "partner_status_history_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_products_agreement_idx" ON "agreement_products" USING btree ("tenant_id","agreement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agreement_territories_uq" ON "agreement_territories" USING btree ("tenant_id","agreement_id","territory_id","line_key");--> statement-breakpoint
CREATE UNIQUE INDEX "agreement_territories_exclusive_uq" ON "agreement_territories" USING btree ("tenant_id","territory_id","line_key") WHERE exclusive and active;--> statement-breakpoint
CREATE INDEX "agreement_territories_territory_idx" ON "agreement_territories" USING btree ("tenant_id","territory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agreements_number_uq" ON "agreements" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "agreements_one_active_per_partner_uq" ON "agreements" USING btree ("tenant_id","partner_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "agreements_partner_idx" ON "agreements" USING btree ("tenant_id","partner_id","id");--> statement-breakpoint
CREATE INDEX "agreements_end_idx" ON "agreements" USING btree ("tenant_id","status","end_date");--> statement-breakpoint
CREATE INDEX "applications_status_idx" ON "applications" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE INDEX "applications_submitter_idx" ON "applications" USING btree ("tenant_id","submitted_by","id");--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_item_kinds_code_uq" ON "checklist_item_kinds" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "cross_region_requests_partner_idx" ON "cross_region_requests" USING btree ("tenant_id","partner_id","id");--> statement-breakpoint
CREATE INDEX "partner_status_history_partner_idx" ON "partner_status_history" USING btree ("tenant_id","partner_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_criteria_code_uq" ON "screening_criteria" USING btree ("tenant_id","code");