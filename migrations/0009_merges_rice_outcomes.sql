CREATE TABLE "request_merge_votes" (
	"merge_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"weight" double precision NOT NULL,
	"voted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "request_merge_votes_merge_id_user_id_kind_pk" PRIMARY KEY("merge_id","user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "request_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"duplicate_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"justification" text NOT NULL,
	"prior_status" text NOT NULL,
	"merged_by" uuid,
	"merged_at" timestamp with time zone NOT NULL,
	"unmerged_by" uuid,
	"unmerged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "request_outcomes" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"actual_reach" double precision,
	"actual_impact" double precision,
	"actual_effort" double precision,
	"predicted_reach" double precision NOT NULL,
	"predicted_impact" double precision NOT NULL,
	"predicted_effort" double precision NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "merged_from_request_id" uuid;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "pain_point_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_reach" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_impact" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_confidence" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_effort" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_reach_override" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_impact_override" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_confidence_override" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_effort_override" double precision;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_score" double precision GENERATED ALWAYS AS (coalesce(coalesce("rice_reach_override", "rice_reach") * coalesce("rice_impact_override", "rice_impact") * coalesce("rice_confidence_override", "rice_confidence") / nullif(coalesce("rice_effort_override", "rice_effort"), 0), 0)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "rice_computed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD CONSTRAINT "request_merge_votes_merge_id_request_merges_id_fk" FOREIGN KEY ("merge_id") REFERENCES "public"."request_merges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD CONSTRAINT "request_merge_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_merges" ADD CONSTRAINT "request_merges_duplicate_id_feature_requests_id_fk" FOREIGN KEY ("duplicate_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_merges" ADD CONSTRAINT "request_merges_target_id_feature_requests_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_merges" ADD CONSTRAINT "request_merges_merged_by_users_id_fk" FOREIGN KEY ("merged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_merges" ADD CONSTRAINT "request_merges_unmerged_by_users_id_fk" FOREIGN KEY ("unmerged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_outcomes" ADD CONSTRAINT "request_outcomes_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_outcomes" ADD CONSTRAINT "request_outcomes_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_merge_votes_user_idx" ON "request_merge_votes" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "request_merges_live_duplicate_key" ON "request_merges" USING btree ("duplicate_id") WHERE "request_merges"."unmerged_at" is null;--> statement-breakpoint
CREATE INDEX "request_merges_live_target_idx" ON "request_merges" USING btree ("target_id") WHERE "request_merges"."unmerged_at" is null;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_merged_from_request_id_feature_requests_id_fk" FOREIGN KEY ("merged_from_request_id") REFERENCES "public"."feature_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_merged_from_idx" ON "comments" USING btree ("merged_from_request_id") WHERE "comments"."merged_from_request_id" is not null;--> statement-breakpoint
CREATE INDEX "feature_requests_rice_idx" ON "feature_requests" USING btree ("rice_score" DESC NULLS FIRST,"id" DESC NULLS FIRST);