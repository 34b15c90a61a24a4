CREATE TABLE "ai_insight_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"job_id" uuid,
	"generated_at" timestamp with time zone NOT NULL,
	"model_version" text NOT NULL,
	"algorithm" text NOT NULL,
	"requests_considered" integer NOT NULL,
	"requests_themed" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"themes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ai_insight_snapshots_kind_generated_idx" ON "ai_insight_snapshots" USING btree ("kind","generated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "ai_insight_snapshots_job_key" ON "ai_insight_snapshots" USING btree ("job_id");