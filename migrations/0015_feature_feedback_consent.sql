ALTER TABLE "users" ADD COLUMN "feature_feedback_consent" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Hand-written: members who already withdrew feature_feedback consent (their latest decision) or
-- restricted processing keep that effect under the new flag.
UPDATE "users" u SET "feature_feedback_consent" = false
WHERE u."processing_restricted"
   OR (SELECT c."granted" FROM "consent_records" c WHERE c."user_id" = u."id" AND c."purpose" = 'feature_feedback' ORDER BY c."id" DESC LIMIT 1) = false;
