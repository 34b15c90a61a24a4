CREATE TABLE "encryption_keys" (
	"purpose" text NOT NULL,
	"version" integer NOT NULL,
	"wrapped_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "encryption_keys_purpose_version_pk" PRIMARY KEY("purpose","version")
);
--> statement-breakpoint
DROP INDEX "feature_requests_search_idx";--> statement-breakpoint
ALTER TABLE "feature_requests" ALTER COLUMN "pain_points" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "feature_requests" ALTER COLUMN "wedding_context" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "key_version" integer;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "guest_count" integer;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "key_version" integer;--> statement-breakpoint
ALTER TABLE "feature_requests" ADD COLUMN "search_tokens" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "data_key" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "key_version" integer;--> statement-breakpoint
CREATE INDEX "comments_key_version_idx" ON "comments" USING btree ("key_version");--> statement-breakpoint
CREATE INDEX "feature_requests_search_tokens_idx" ON "feature_requests" USING gin ("search_tokens");--> statement-breakpoint
CREATE INDEX "feature_requests_key_version_idx" ON "feature_requests" USING btree ("key_version");--> statement-breakpoint
CREATE INDEX "users_key_version_idx" ON "users" USING btree ("key_version");--> statement-breakpoint
ALTER TABLE "feature_requests" DROP COLUMN "search";