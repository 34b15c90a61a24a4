// What each staff screen needs: the permission its API route checks (src/http/routes/*), so the
// header offers a screen exactly when its API would answer.
export const SUBMIT_PERMISSION = 'feature_requests:create';
export const TRIAGE_PERMISSION = 'feature_requests:update_status';
export const TRENDS_PERMISSION = 'analytics:read:category_trends';
export const OPS_PERMISSION = 'analytics:platform_health';
export const DUPLICATES_PERMISSION = 'ai_insights:read';
export const INSIGHTS_PERMISSION = 'ai_insights:read';
export const MERGE_PERMISSION = 'feature_requests:merge';
export const RICE_PERMISSION = 'feature_requests:prioritize';
export const VOTE_PERMISSION = 'feature_requests:vote';
