CREATE TABLE "partners" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"legal_name" text NOT NULL,
	"type" text NOT NULL,
	"channel" text DEFAULT 'offline' NOT NULL,
	"parent_id" uuid,
	"tier" text,
	"contact_name" text,
	"contact_email" text,
	"contact_phone" text,
	"address" jsonb,
	"region_code" text,
	"status" text DEFAULT 'applicant' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partners_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "partners_type_ck" CHECK ("partners"."type" in ('distributor','wholesaler','dealer','agent','retailer')),
	CONSTRAINT "partners_channel_ck" CHECK ("partners"."channel" in ('online','offline','both')),
	CONSTRAINT "partners_status_ck" CHECK ("partners"."status" in ('applicant','under_review','approved','active','suspended','terminated','rejected')),
	CONSTRAINT "partners_not_own_parent_ck" CHECK ("partners"."parent_id" is null or "partners"."parent_id" <> "partners"."id")
);
--> statement-breakpoint
ALTER TABLE "partners" ADD CONSTRAINT "partners_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "partners_code_uq" ON "partners" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "partners_parent_idx" ON "partners" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "partners_status_idx" ON "partners" USING btree ("tenant_id","status","id");