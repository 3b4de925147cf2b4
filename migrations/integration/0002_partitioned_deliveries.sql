-- Hand-written (drizzle-kit cannot express partitioning): webhook_deliveries becomes a table PARTITIONED BY RANGE on
-- created_at (the one time column every delivery has from its insert and that never changes; finished_at is null
-- while pending and set later), one partition per calendar month (UTC) plus DEFAULT (ensure_monthly_partitions,
-- migrations/platform/0002). The data is kept (renamed, copied, dropped). The primary key carries created_at; id (a
-- uuidv7 per row) stays unique on its own. webhook_attempts loses its key to the delivery (it would have to carry
-- created_at, and a referenced partition cannot simply be dropped): attempts are written in the transaction of their
-- delivery and retention removes them with it; a key to the endpoint removes them with their endpoint.
ALTER TABLE "webhook_attempts" DROP CONSTRAINT "webhook_attempts_delivery_fk";--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_endpoint_fk" FOREIGN KEY ("tenant_id","endpoint_id") REFERENCES "webhook_endpoints"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" RENAME TO "webhook_deliveries_unpartitioned";--> statement-breakpoint
ALTER TABLE "webhook_deliveries_unpartitioned" RENAME CONSTRAINT "webhook_deliveries_tenant_id_id_pk" TO "webhook_deliveries_unpartitioned_pk";--> statement-breakpoint
ALTER TABLE "webhook_deliveries_unpartitioned" RENAME CONSTRAINT "webhook_deliveries_status_ck" TO "webhook_deliveries_unpartitioned_status_ck";--> statement-breakpoint
ALTER TABLE "webhook_deliveries_unpartitioned" RENAME CONSTRAINT "webhook_deliveries_endpoint_fk" TO "webhook_deliveries_unpartitioned_endpoint_fk";--> statement-breakpoint
DROP INDEX "webhook_deliveries_queue_idx";--> statement-breakpoint
DROP INDEX "webhook_deliveries_due_idx";--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"event_seq" bigint,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" uuid,
	"last_attempt_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "webhook_deliveries_tenant_id_id_created_at_pk" PRIMARY KEY("tenant_id","id","created_at"),
	CONSTRAINT "webhook_deliveries_status_ck" CHECK ("webhook_deliveries"."status" in ('pending','succeeded','failed'))
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_fk" FOREIGN KEY ("tenant_id","endpoint_id") REFERENCES "webhook_endpoints"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_queue_idx" ON "webhook_deliveries" USING btree ("tenant_id","endpoint_id","status","event_seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_finished_idx" ON "webhook_deliveries" USING btree ("finished_at") WHERE "webhook_deliveries"."status" in ('succeeded','failed');--> statement-breakpoint
SELECT ensure_monthly_partitions('webhook_deliveries', coalesce((SELECT min("created_at") FROM "webhook_deliveries_unpartitioned"), now()), now() + interval '3 months');--> statement-breakpoint
INSERT INTO "webhook_deliveries" SELECT * FROM "webhook_deliveries_unpartitioned";--> statement-breakpoint
DROP TABLE "webhook_deliveries_unpartitioned";--> statement-breakpoint
CREATE INDEX "jobs_finished_idx" ON "jobs" USING btree ("finished_at") WHERE "jobs"."status" in ('succeeded','failed');
