-- Hand-written (drizzle-kit cannot express partitioning): events and audit_log become tables PARTITIONED BY RANGE
-- on occurred_at, one partition per calendar month (UTC) plus a DEFAULT partition, so that retention drops whole
-- months (src/modules/integration/retention.service.ts). The data is kept: the old table is renamed, its rows
-- copied into the new one (each into its month's partition), then it is dropped. Primary keys carry the partition
-- key (PostgreSQL requires it); seq (an identity) and id (a uuidv7 per row) stay unique on their own.
-- Row-level security and grants are re-applied by Database.migrate after every migration (enableRowSecurity).

-- Creates the partitions of the months first_month .. last_month (UTC) of a table partitioned by range on one
-- timestamptz column, named <table>_yYYYYmMM, and its DEFAULT partition <table>_default, when missing. Rows of such a
-- month already in DEFAULT (inserted before the month had its partition) move into it (a partition cannot be
-- created over rows DEFAULT holds). Idempotent; a partition another session is creating, or whose lock is not
-- granted within lock_timeout, is skipped (created at the next call). Returns the number of partitions created.
CREATE OR REPLACE FUNCTION ensure_monthly_partitions(parent regclass, first_month timestamptz, last_month timestamptz) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  nsp text;
  rel text;
  col text;
  def regclass;
  m timestamp;
  lo timestamptz;
  hi timestamptz;
  part text;
  moving boolean;
  created integer := 0;
BEGIN
  SELECT n.nspname, c.relname INTO nsp, rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
  SELECT a.attname INTO col FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r';
  IF col IS NULL THEN
    RAISE EXCEPTION '% is not partitioned by range', parent;
  END IF;
  SELECT NULLIF(p.partdefid, 0)::regclass INTO def FROM pg_partitioned_table p WHERE p.partrelid = parent;
  IF def IS NULL THEN
    BEGIN
      EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', nsp, rel || '_default', parent);
      created := created + 1;
    EXCEPTION WHEN duplicate_table OR unique_violation OR lock_not_available THEN NULL;
    END;
    SELECT NULLIF(p.partdefid, 0)::regclass INTO def FROM pg_partitioned_table p WHERE p.partrelid = parent;
  END IF;
  m := date_trunc('month', first_month AT TIME ZONE 'UTC');
  WHILE m <= date_trunc('month', last_month AT TIME ZONE 'UTC') LOOP
    lo := m AT TIME ZONE 'UTC';
    hi := (m + interval '1 month') AT TIME ZONE 'UTC';
    part := rel || to_char(m, '"_y"YYYY"m"MM');
    IF to_regclass(format('%I.%I', nsp, part)) IS NULL THEN
      BEGIN
        moving := false;
        IF def IS NOT NULL THEN
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= %L AND %I < %L)', def, col, lo, col, hi) INTO moving;
        END IF;
        IF moving THEN
          EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', nsp, part, parent);
          EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
                         def, col, lo, col, hi, nsp, part);
          EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', parent, nsp, part, lo, hi);
        ELSE
          EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', nsp, part, parent, lo, hi);
        END IF;
        created := created + 1;
      EXCEPTION WHEN duplicate_table OR unique_violation OR lock_not_available THEN NULL;
      END;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END
$fn$;
--> statement-breakpoint
ALTER TABLE "audit_log" RENAME TO "audit_log_unpartitioned";--> statement-breakpoint
ALTER TABLE "audit_log_unpartitioned" RENAME CONSTRAINT "audit_log_tenant_id_id_pk" TO "audit_log_unpartitioned_pk";--> statement-breakpoint
DROP INDEX "audit_log_resource_idx";--> statement-breakpoint
DROP INDEX "audit_log_subject_idx";--> statement-breakpoint
CREATE TABLE "audit_log" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"subject" text NOT NULL,
	"token_id" text,
	"partner_id" uuid,
	"request_id" text,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"action" text NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_tenant_id_id_occurred_at_pk" PRIMARY KEY("tenant_id","id","occurred_at")
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_occurred_idx" ON "audit_log" USING brin ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_resource_idx" ON "audit_log" USING btree ("tenant_id","resource_type","resource_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("tenant_id","subject","id");--> statement-breakpoint
-- a partition for every month the existing rows span, up to three months ahead
SELECT ensure_monthly_partitions('audit_log', coalesce((SELECT min("occurred_at") FROM "audit_log_unpartitioned"), now()), now() + interval '3 months');--> statement-breakpoint
INSERT INTO "audit_log" ("tenant_id", "id", "occurred_at", "actor_kind", "subject", "token_id", "partner_id", "request_id", "resource_type", "resource_id", "action", "changes")
	SELECT "tenant_id", "id", "occurred_at", "actor_kind", "subject", "token_id", "partner_id", "request_id", "resource_type", "resource_id", "action", "changes" FROM "audit_log_unpartitioned";--> statement-breakpoint
DROP TABLE "audit_log_unpartitioned";--> statement-breakpoint
ALTER TABLE "events" RENAME TO "events_unpartitioned";--> statement-breakpoint
ALTER TABLE "events_unpartitioned" RENAME CONSTRAINT "events_tenant_id_seq_pk" TO "events_unpartitioned_pk";--> statement-breakpoint
ALTER SEQUENCE "events_seq_seq" RENAME TO "events_unpartitioned_seq_seq";--> statement-breakpoint
DROP INDEX "events_type_idx";--> statement-breakpoint
DROP INDEX "events_seq_idx";--> statement-breakpoint
CREATE TABLE "events" (
	"tenant_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid NOT NULL,
	"type" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"subject" text,
	"request_id" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tx_id" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL,
	CONSTRAINT "events_tenant_id_seq_occurred_at_pk" PRIMARY KEY("tenant_id","seq","occurred_at")
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
CREATE INDEX "events_occurred_idx" ON "events" USING brin ("occurred_at");--> statement-breakpoint
CREATE INDEX "events_type_idx" ON "events" USING btree ("tenant_id","type","seq");--> statement-breakpoint
CREATE INDEX "events_seq_idx" ON "events" USING btree ("seq");--> statement-breakpoint
SELECT ensure_monthly_partitions('events', coalesce((SELECT min("occurred_at") FROM "events_unpartitioned"), now()), now() + interval '3 months');--> statement-breakpoint
INSERT INTO "events" ("tenant_id", "seq", "id", "type", "resource_type", "resource_id", "payload", "subject", "request_id", "occurred_at", "tx_id")
	OVERRIDING SYSTEM VALUE
	SELECT "tenant_id", "seq", "id", "type", "resource_type", "resource_id", "payload", "subject", "request_id", "occurred_at", "tx_id" FROM "events_unpartitioned";--> statement-breakpoint
-- the sequence goes on from where the old one stood (a seq is never drawn twice: feed cursors and webhook cursors hold)
SELECT setval(pg_get_serial_sequence('events', 'seq'), s.last_value, s.is_called) FROM "events_unpartitioned_seq_seq" s;--> statement-breakpoint
DROP TABLE "events_unpartitioned";
