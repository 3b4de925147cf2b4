CREATE TABLE "approval_policies" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"measure" text NOT NULL,
	"steps" jsonb NOT NULL,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_policies_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"partner_id" uuid,
	"amount" numeric(18, 4),
	"pct" numeric(18, 4),
	"status" text DEFAULT 'pending' NOT NULL,
	"policy_id" uuid NOT NULL,
	"requested_by" text NOT NULL,
	"decided_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_requests_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "approval_steps" (
	"tenant_id" text NOT NULL,
	"request_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"post" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_by_subject" text,
	"decided_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "approval_steps_tenant_id_request_id_seq_pk" PRIMARY KEY("tenant_id","request_id","seq")
);
--> statement-breakpoint
CREATE TABLE "org_units" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"parent_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_units_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "org_units_not_own_parent_ck" CHECK ("org_units"."parent_id" is null or "org_units"."parent_id" <> "org_units"."id")
);
--> statement-breakpoint
CREATE TABLE "partner_ownership" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"org_unit_id" uuid NOT NULL,
	"account_manager_id" uuid,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_ownership_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "partner_ownership_dates_ck" CHECK ("partner_ownership"."valid_to" is null or "partner_ownership"."valid_to" > "partner_ownership"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"subjects" text[] DEFAULT '{}'::text[] NOT NULL,
	"post" text NOT NULL,
	"org_unit_id" uuid,
	"data_scope" text DEFAULT 'all' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_members_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_policy_fk" FOREIGN KEY ("tenant_id","policy_id") REFERENCES "approval_policies"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_steps" ADD CONSTRAINT "approval_steps_request_fk" FOREIGN KEY ("tenant_id","request_id") REFERENCES "approval_requests"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_steps" ADD CONSTRAINT "approval_steps_staff_fk" FOREIGN KEY ("tenant_id","decided_by") REFERENCES "staff_members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_units" ADD CONSTRAINT "org_units_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_ownership" ADD CONSTRAINT "partner_ownership_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_ownership" ADD CONSTRAINT "partner_ownership_unit_fk" FOREIGN KEY ("tenant_id","org_unit_id") REFERENCES "org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_ownership" ADD CONSTRAINT "partner_ownership_manager_fk" FOREIGN KEY ("tenant_id","account_manager_id") REFERENCES "staff_members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_unit_fk" FOREIGN KEY ("tenant_id","org_unit_id") REFERENCES "org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_policies_kind_uq" ON "approval_policies" USING btree ("tenant_id","kind");--> statement-breakpoint
CREATE INDEX "approval_requests_ref_idx" ON "approval_requests" USING btree ("tenant_id","kind","ref");--> statement-breakpoint
CREATE INDEX "approval_requests_status_idx" ON "approval_requests" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "org_units_code_uq" ON "org_units" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "org_units_parent_idx" ON "org_units" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partner_ownership_from_uq" ON "partner_ownership" USING btree ("tenant_id","partner_id","valid_from");--> statement-breakpoint
CREATE INDEX "partner_ownership_unit_idx" ON "partner_ownership" USING btree ("tenant_id","org_unit_id");--> statement-breakpoint
CREATE INDEX "partner_ownership_manager_idx" ON "partner_ownership" USING btree ("tenant_id","account_manager_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_code_uq" ON "staff_members" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "staff_members_unit_idx" ON "staff_members" USING btree ("tenant_id","org_unit_id");--> statement-breakpoint
CREATE INDEX "staff_members_subjects_idx" ON "staff_members" USING gin ("subjects");