CREATE TABLE "evaluation_action_rules" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"template_id" uuid,
	"action" text NOT NULL,
	"condition" jsonb NOT NULL,
	"tier_ladder" jsonb,
	"target_tier" text,
	"lifecycle_action" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_action_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "evaluation_actions" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"action" text NOT NULL,
	"status" text DEFAULT 'recommended' NOT NULL,
	"grade" text,
	"grade_history" jsonb NOT NULL,
	"from_tier" text,
	"to_tier" text,
	"lifecycle_action" text,
	"reason" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_actions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "evaluation_actions_status_ck" CHECK ("evaluation_actions"."status" in ('recommended','accepted','dismissed'))
);
--> statement-breakpoint
CREATE TABLE "evaluation_manual_values" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"kpi_code" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"value" numeric(18, 4) NOT NULL,
	"note" text,
	"entered_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_manual_values_tenant_id_period_kpi_code_partner_id_pk" PRIMARY KEY("tenant_id","period","kpi_code","partner_id")
);
--> statement-breakpoint
CREATE TABLE "evaluation_result_kpis" (
	"tenant_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"kpi_code" text NOT NULL,
	"position" integer NOT NULL,
	"value" numeric(18, 4),
	"score" numeric(9, 4),
	"weight" numeric(9, 4) NOT NULL,
	"weighted" numeric,
	"defaulted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "evaluation_result_kpis_tenant_id_run_id_partner_id_kpi_code_pk" PRIMARY KEY("tenant_id","run_id","partner_id","kpi_code")
);
--> statement-breakpoint
CREATE TABLE "evaluation_results" (
	"tenant_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"partner_code" text NOT NULL,
	"complete" boolean NOT NULL,
	"missing" jsonb NOT NULL,
	"total" numeric(9, 2),
	"grade" text,
	"rank" integer,
	CONSTRAINT "evaluation_results_tenant_id_run_id_partner_id_pk" PRIMARY KEY("tenant_id","run_id","partner_id")
);
--> statement-breakpoint
CREATE TABLE "evaluation_runs" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"template_version" integer NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"allow_defaults" boolean DEFAULT false NOT NULL,
	"partner_ids" jsonb,
	"partner_count" integer DEFAULT 0 NOT NULL,
	"complete_count" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"finalised_at" timestamp with time zone,
	"finalised_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "evaluation_runs_status_ck" CHECK ("evaluation_runs"."status" in ('draft','finalised'))
);
--> statement-breakpoint
CREATE TABLE "evaluation_warning_rules" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"threshold" numeric(18, 4) NOT NULL,
	"min_elapsed_pct" numeric(9, 4) DEFAULT '50' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_warning_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "evaluation_warning_rules_kind_ck" CHECK ("evaluation_warning_rules"."kind" in ('achievement_behind_run_rate','collections_overdue','inventory_days_above','new_violation'))
);
--> statement-breakpoint
CREATE TABLE "evaluation_warnings" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"value" numeric(18, 4),
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_as_of" date NOT NULL,
	"last_checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_as_of" date,
	CONSTRAINT "evaluation_warnings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "evaluation_warnings_status_ck" CHECK ("evaluation_warnings"."status" in ('open','closed'))
);
--> statement-breakpoint
CREATE TABLE "scorecard_template_versions" (
	"tenant_id" text NOT NULL,
	"template_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"kpis" jsonb NOT NULL,
	"grade_bands" jsonb NOT NULL,
	"note" text,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scorecard_template_versions_tenant_id_template_id_version_no_pk" PRIMARY KEY("tenant_id","template_id","version_no")
);
--> statement-breakpoint
CREATE TABLE "scorecard_templates" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"latest_version" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scorecard_templates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "evaluation_actions" ADD CONSTRAINT "evaluation_actions_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "evaluation_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_actions" ADD CONSTRAINT "evaluation_actions_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "evaluation_action_rules"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_manual_values" ADD CONSTRAINT "evaluation_manual_values_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_result_kpis" ADD CONSTRAINT "evaluation_result_kpis_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "evaluation_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_results" ADD CONSTRAINT "evaluation_results_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "evaluation_runs"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_version_fk" FOREIGN KEY ("tenant_id","template_id","template_version") REFERENCES "scorecard_template_versions"("tenant_id","template_id","version_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_warnings" ADD CONSTRAINT "evaluation_warnings_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "evaluation_warning_rules"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_warnings" ADD CONSTRAINT "evaluation_warnings_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecard_template_versions" ADD CONSTRAINT "scorecard_versions_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "scorecard_templates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_action_rules_code_uq" ON "evaluation_action_rules" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_actions_uq" ON "evaluation_actions" USING btree ("tenant_id","run_id","partner_id","rule_id");--> statement-breakpoint
CREATE INDEX "evaluation_actions_partner_idx" ON "evaluation_actions" USING btree ("tenant_id","partner_id");--> statement-breakpoint
CREATE INDEX "evaluation_manual_values_partner_idx" ON "evaluation_manual_values" USING btree ("tenant_id","partner_id","period");--> statement-breakpoint
CREATE INDEX "evaluation_results_partner_idx" ON "evaluation_results" USING btree ("tenant_id","partner_id");--> statement-breakpoint
CREATE INDEX "evaluation_results_rank_idx" ON "evaluation_results" USING btree ("tenant_id","run_id","rank","partner_code");--> statement-breakpoint
CREATE INDEX "evaluation_runs_template_idx" ON "evaluation_runs" USING btree ("tenant_id","template_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_runs_finalised_uq" ON "evaluation_runs" USING btree ("tenant_id","template_id","period") WHERE status = 'finalised';--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_warning_rules_code_uq" ON "evaluation_warning_rules" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_warnings_open_uq" ON "evaluation_warnings" USING btree ("tenant_id","rule_id","partner_id","period") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "evaluation_warnings_partner_idx" ON "evaluation_warnings" USING btree ("tenant_id","partner_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "scorecard_templates_code_uq" ON "scorecard_templates" USING btree ("tenant_id","code");