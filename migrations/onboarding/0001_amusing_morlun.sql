CREATE TABLE "product_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"line_id" uuid,
	"unit" text DEFAULT 'pcs' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "territories" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" uuid,
	"level" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "territories_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "territories_not_own_parent_ck" CHECK ("territories"."parent_id" is null or "territories"."parent_id" <> "territories"."id")
);
--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_line_fk" FOREIGN KEY ("tenant_id","line_id") REFERENCES "product_lines"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territories" ADD CONSTRAINT "territories_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "territories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "product_lines_code_uq" ON "product_lines" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "products_code_uq" ON "products" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "products_line_idx" ON "products" USING btree ("tenant_id","line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "territories_code_uq" ON "territories" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "territories_parent_idx" ON "territories" USING btree ("tenant_id","parent_id");