-- Vote-manipulation detection (docs/decisions/0016): review state, reasons, evidence and the
-- network/device hashes of each vote. Votes cast before it are accepted as cast (hand-edited:
-- cast_weight is filled from weight before it becomes NOT NULL).
ALTER TABLE "request_merge_votes" ADD COLUMN "cast_weight" double precision;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "review_state" text DEFAULT 'accepted' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "review_reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "review_evidence" jsonb;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "network_hash" text;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "device_hash" text;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD COLUMN "review_justification" text;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "cast_weight" double precision;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "review_state" text DEFAULT 'accepted' NOT NULL;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "review_reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "review_evidence" jsonb;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "network_hash" text;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "device_hash" text;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "review_justification" text;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "counted" boolean GENERATED ALWAYS AS (review_state in ('accepted', 'down_weighted')) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ADD CONSTRAINT "request_merge_votes_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "votes_request_created_idx" ON "votes" USING btree ("request_id","created_at");--> statement-breakpoint
CREATE INDEX "votes_request_network_idx" ON "votes" USING btree ("request_id","network_hash","created_at") WHERE "votes"."network_hash" is not null;--> statement-breakpoint
CREATE INDEX "votes_request_device_idx" ON "votes" USING btree ("request_id","device_hash","created_at") WHERE "votes"."device_hash" is not null;--> statement-breakpoint
CREATE INDEX "votes_review_idx" ON "votes" USING btree ("review_state","created_at" DESC NULLS LAST) WHERE "votes"."review_state" <> 'accepted' or "votes"."reviewed_at" is not null;--> statement-breakpoint
UPDATE "votes" SET "cast_weight" = "weight";--> statement-breakpoint
UPDATE "request_merge_votes" SET "cast_weight" = "weight";--> statement-breakpoint
ALTER TABLE "votes" ALTER COLUMN "cast_weight" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "request_merge_votes" ALTER COLUMN "cast_weight" SET NOT NULL;
