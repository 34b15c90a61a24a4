-- Requests that existed before RICE get their first score from the same job that keeps it fresh
-- (recompute_rice on analytics_processing), so the model lives in one place: src/domain/rice.ts.
INSERT INTO "jobs" ("queue", "type", "payload", "priority")
SELECT 'analytics_processing', 'recompute_rice', jsonb_build_object('requestId', "id"), -1 FROM "feature_requests";
