CREATE TABLE "backup_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"backup_id" text NOT NULL,
	"operation" text NOT NULL,
	"kind" text NOT NULL,
	"mode" text NOT NULL,
	"ok" boolean NOT NULL,
	"bytes" bigint,
	"error" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "backup_runs_operation_check" CHECK ("backup_runs"."operation" in ('backup', 'verify')),
	CONSTRAINT "backup_runs_kind_check" CHECK ("backup_runs"."kind" in ('full', 'incremental', 'pre_saturday_snapshot'))
);
--> statement-breakpoint
CREATE INDEX "backup_runs_operation_finished_at_idx" ON "backup_runs" USING btree ("operation","finished_at" DESC NULLS LAST);
