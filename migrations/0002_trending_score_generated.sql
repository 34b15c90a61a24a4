ALTER TABLE "feature_requests" ALTER COLUMN "trending_score" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "feature_requests" drop column "trending_score";--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "trending_score" double precision GENERATED ALWAYS AS (trending_score("vote_weight", "created_at")) STORED NOT NULL;--> statement-breakpoint
-- Dropping the column dropped its index: recreate it for the trending board.
CREATE INDEX "feature_requests_trending_idx" ON "feature_requests" USING btree ("trending_score" DESC NULLS FIRST,"id" DESC NULLS FIRST);
