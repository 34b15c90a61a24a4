ALTER TABLE "users" ALTER COLUMN "ai_analysis_consent" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "trend_analytics_consent" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "feature_feedback_consent" SET DEFAULT false;--> statement-breakpoint
-- Hand-written: consent that was presumed (no recorded grant) ends. Each flag becomes the member's
-- latest recorded decision for the purpose, off without one, and off while processing is restricted.
UPDATE "users" u SET
  "ai_analysis_consent" = NOT u."processing_restricted" AND coalesce((SELECT c."granted" FROM "consent_records" c WHERE c."user_id" = u."id" AND c."purpose" = 'ai_analysis' ORDER BY c."id" DESC LIMIT 1), false),
  "trend_analytics_consent" = NOT u."processing_restricted" AND coalesce((SELECT c."granted" FROM "consent_records" c WHERE c."user_id" = u."id" AND c."purpose" = 'trend_analytics' ORDER BY c."id" DESC LIMIT 1), false),
  "feature_feedback_consent" = NOT u."processing_restricted" AND coalesce((SELECT c."granted" FROM "consent_records" c WHERE c."user_id" = u."id" AND c."purpose" = 'feature_feedback' ORDER BY c."id" DESC LIMIT 1), false);
