CREATE TABLE "rebate_reservations" (
	"tenant_id" text NOT NULL,
	"order_ref" text NOT NULL,
	"partner_id" uuid NOT NULL,
	"program_id" uuid,
	"amount" numeric(18, 4) NOT NULL,
	"status" text DEFAULT 'reserved' NOT NULL,
	"reserved_on" date NOT NULL,
	"settled_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rebate_reservations_tenant_id_order_ref_pk" PRIMARY KEY("tenant_id","order_ref"),
	CONSTRAINT "rebate_reservations_status_ck" CHECK ("rebate_reservations"."status" in ('reserved','released','spent')),
	CONSTRAINT "rebate_reservations_amount_ck" CHECK ("rebate_reservations"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "incentive_programs" ADD COLUMN "order_cap" jsonb;--> statement-breakpoint
ALTER TABLE "rebate_accounts" ADD COLUMN "reserved" numeric(18, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "rebate_reservations" ADD CONSTRAINT "rebate_reservations_account_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "rebate_accounts"("tenant_id","partner_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rebate_reservations_partner_idx" ON "rebate_reservations" USING btree ("tenant_id","partner_id","status");--> statement-breakpoint
ALTER TABLE "rebate_accounts" ADD CONSTRAINT "rebate_accounts_reserved_ck" CHECK ("rebate_accounts"."reserved" >= 0);