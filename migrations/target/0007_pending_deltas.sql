CREATE TABLE "actual_pending_deltas" (
	"tenant_id" text NOT NULL,
	"stream" text NOT NULL,
	"import_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"date" date NOT NULL,
	"product_line_id" uuid,
	"territory_id" uuid,
	"rep_id" uuid,
	"customer_id" text,
	"amount" numeric(18, 4) NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"n" integer NOT NULL
);
