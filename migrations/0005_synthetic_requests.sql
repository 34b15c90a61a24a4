CREATE TABLE "probe_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"probe" text NOT NULL,
	"ok" boolean NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "synthetic" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "synthetic" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "probe_runs_probe_at_idx" ON "probe_runs" USING btree ("probe","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "probe_runs_at_idx" ON "probe_runs" USING btree ("at");