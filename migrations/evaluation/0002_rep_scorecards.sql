CREATE TABLE "rep_scorecard_definitions" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"kpis" jsonb NOT NULL,
	"grade_bands" jsonb NOT NULL,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
