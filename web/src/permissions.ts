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
export const VERIFY_SUPPLIERS_PERMISSION = 'feature_requests:verify_suppliers';
export const WEBHOOKS_PERMISSION = 'feature_requests:webhooks';
/** Incidents are read and handled by whoever may see platform health (src/http/routes/ops). */
export const INCIDENTS_PERMISSION = OPS_PERMISSION;
/** Any of these opens the staff screens (each part shows to those holding its permission). */
export const STAFF_PERMISSIONS = [VERIFY_SUPPLIERS_PERMISSION, INCIDENTS_PERMISSION, WEBHOOKS_PERMISSION];
