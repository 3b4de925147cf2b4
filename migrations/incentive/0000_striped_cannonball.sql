CREATE TABLE "incentive_programs" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"type" text NOT NULL,
	"granularity" text NOT NULL,
	"currency" text NOT NULL,
	"base" jsonb NOT NULL,
	"eligibility" jsonb NOT NULL,
	"rules" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incentive_programs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "incentive_programs_type_ck" CHECK ("incentive_programs"."type" in ('rebate','target_bonus','commission','points','recognition','penalty')),
	CONSTRAINT "incentive_programs_granularity_ck" CHECK ("incentive_programs"."granularity" in ('month','quarter','year')),
	CONSTRAINT "incentive_programs_status_ck" CHECK ("incentive_programs"."status" in ('draft','active','closed'))
);
--> statement-breakpoint
CREATE TABLE "incentive_run_lines" (
	"tenant_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"explanation" jsonb NOT NULL,
	CONSTRAINT "incentive_run_lines_tenant_id_run_id_partner_id_pk" PRIMARY KEY("tenant_id","run_id","partner_id")
);
--> statement-breakpoint
CREATE TABLE "incentive_runs" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"program_version" integer NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"rules" jsonb NOT NULL,
	"input_hash" text NOT NULL,
	"unit" text NOT NULL,
	"partner_count" integer NOT NULL,
	"total" numeric(18, 4) NOT NULL,
	"requested" numeric(18, 4) NOT NULL,
	"prorated" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incentive_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "incentive_statement_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"statement_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period" text NOT NULL,
	"program_id" uuid,
	"run_id" uuid,
	"kind" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"reason" text,
	"explanation" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incentive_statement_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "incentive_statement_lines_kind_ck" CHECK ("incentive_statement_lines"."kind" in ('calculated','adjustment','manual'))
);
--> statement-breakpoint
CREATE TABLE "incentive_statements" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period" text NOT NULL,
	"unit" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"total" numeric(18, 4) DEFAULT '0' NOT NULL,
	"payment_reference" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"paid_by" text,
	"paid_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incentive_statements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "incentive_statements_status_ck" CHECK ("incentive_statements"."status" in ('draft','approved','paid'))
);
--> statement-breakpoint
CREATE TABLE "rebate_accounts" (
	"tenant_id" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"accrued" numeric(18, 4) DEFAULT '0' NOT NULL,
	"available" numeric(18, 4) DEFAULT '0' NOT NULL,
	"spent" numeric(18, 4) DEFAULT '0' NOT NULL,
	"paid_out" numeric(18, 4) DEFAULT '0' NOT NULL,
	"expired" numeric(18, 4) DEFAULT '0' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rebate_accounts_tenant_id_partner_id_pk" PRIMARY KEY("tenant_id","partner_id"),
	CONSTRAINT "rebate_accounts_nonneg_ck" CHECK ("rebate_accounts"."accrued" >= 0 and "rebate_accounts"."available" >= 0)
);
--> statement-breakpoint
CREATE TABLE "rebate_ledger" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"entry_date" date NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"order_ref" text,
	"statement_id" uuid,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rebate_ledger_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "rebate_ledger_kind_ck" CHECK ("rebate_ledger"."kind" in ('accrue','release','spend','pay_out','expire')),
	CONSTRAINT "rebate_ledger_amount_ck" CHECK ("rebate_ledger"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "recognition_awards" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"program_id" uuid,
	"period" text NOT NULL,
	"title" text NOT NULL,
	"citation" text,
	"rank" integer,
	"basis" jsonb,
	"granted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recognition_awards_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "incentive_run_lines" ADD CONSTRAINT "incentive_run_lines_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "incentive_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incentive_runs" ADD CONSTRAINT "incentive_runs_program_fk" FOREIGN KEY ("tenant_id","program_id") REFERENCES "incentive_programs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incentive_statement_lines" ADD CONSTRAINT "incentive_statement_lines_statement_fk" FOREIGN KEY ("tenant_id","statement_id") REFERENCES "incentive_statements"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incentive_statements" ADD CONSTRAINT "incentive_statements_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebate_accounts" ADD CONSTRAINT "rebate_accounts_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebate_ledger" ADD CONSTRAINT "rebate_ledger_account_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "rebate_accounts"("tenant_id","partner_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recognition_awards" ADD CONSTRAINT "recognition_awards_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incentive_programs_code_uq" ON "incentive_programs" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "incentive_programs_status_idx" ON "incentive_programs" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE INDEX "incentive_runs_program_idx" ON "incentive_runs" USING btree ("tenant_id","program_id","period","id");--> statement-breakpoint
CREATE INDEX "incentive_statement_lines_statement_idx" ON "incentive_statement_lines" USING btree ("tenant_id","statement_id","id");--> statement-breakpoint
CREATE INDEX "incentive_statement_lines_program_idx" ON "incentive_statement_lines" USING btree ("tenant_id","program_id","period","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incentive_statements_draft_uq" ON "incentive_statements" USING btree ("tenant_id","partner_id","period","unit") WHERE status = 'draft';--> statement-breakpoint
CREATE INDEX "incentive_statements_partner_idx" ON "incentive_statements" USING btree ("tenant_id","partner_id","period");--> statement-breakpoint
CREATE INDEX "incentive_statements_period_idx" ON "incentive_statements" USING btree ("tenant_id","period","status","id");--> statement-breakpoint
CREATE INDEX "rebate_ledger_partner_idx" ON "rebate_ledger" USING btree ("tenant_id","partner_id","entry_date","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rebate_ledger_order_ref_uq" ON "rebate_ledger" USING btree ("tenant_id","order_ref") WHERE kind = 'spend';--> statement-breakpoint
CREATE INDEX "recognition_awards_partner_idx" ON "recognition_awards" USING btree ("tenant_id","partner_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "recognition_awards_program_uq" ON "recognition_awards" USING btree ("tenant_id","program_id","period","partner_id") WHERE program_id is not null;