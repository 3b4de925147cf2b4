CREATE TABLE "credit_notices" (
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"noticed_on" date NOT NULL,
	"details" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_notices_tenant_id_kind_key_pk" PRIMARY KEY("tenant_id","kind","key"),
	CONSTRAINT "credit_notices_kind_ck" CHECK ("credit_notices"."kind" in ('overdue','over_limit'))
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "rebate_amount" numeric(18, 4);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "rebate_program_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "rebate_status" text;--> statement-breakpoint
ALTER TABLE "credit_notices" ADD CONSTRAINT "credit_notices_partner_fk" FOREIGN KEY ("tenant_id","partner_id") REFERENCES "partners"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_rebate_ck" CHECK (("orders"."rebate_amount" is null or "orders"."rebate_amount" > 0) and ("orders"."rebate_status" is null or "orders"."rebate_status" in ('reserved','released','spent')));