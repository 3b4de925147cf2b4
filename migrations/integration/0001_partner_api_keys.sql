ALTER TABLE "api_keys" ADD COLUMN "partner_id" uuid;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "partner_scope" text;