// Typed calls for the screens beyond the board: one function per API route, so a screen never
// spells a path or a body shape itself, and a route that lands later (duplicate suggestions, merge,
// RICE, privacy, insights) is one more function here and one component that calls it.
import { api, get, getFile, query } from './api.js';
import type {
  ApiToken,
  BoardItem,
  IncidentDetail,
  IncidentStatus,
  IncidentSummary,
  SupplierForVerification,
  VerificationDecision,
  VerificationOutcome,
  VerificationState,
  WebhookDelivery,
  WebhookEndpoint,
  CategoryTrends,
  Comment,
  ConsentPurpose,
  ConsentState,
  DuplicateCheck,
  DuplicateSuggestion,
  ErrorBudget,
  ProbeHistory,
  FeatureRequest,
  Inbox,
  NotificationPreferences,
  Page,
  PainPoints,
  PersonalAccount,
  PlatformHealth,
  Revision,
  ProfilePatch,
  RiceFactors,
  Roadmap,
  SessionReply,
  SignInOptions,
  SignUpBody,
  SignUpReply,
  StatusChangeBody,
  UserContext,
  VoteDecisionBody,
  VoteDecisionReply,
  VoteReview,
  VoteReviewFilter,
} from './types.js';

/** Signs nobody in: the address gets a link (the same answer whether or not it has an account). */
export const signUp = (body: SignUpBody) => api<SignUpReply>('POST', '/api/auth/signup', { body });

export const verifyEmail = (token: string) => api<SessionReply>('POST', '/api/auth/verify-email', { body: { token } });

export const requestPasswordReset = (email: string) => api<unknown>('POST', '/api/auth/password-reset', { body: { email } });

export const resetPassword = (token: string, password: string) => api<void>('POST', '/api/auth/password-reset/confirm', { body: { token, password } });

export const confirmEmailChange = (token: string) => api<void>('POST', '/api/auth/email/confirm', { body: { token } });

export const signInOptions = (signal?: AbortSignal) => get<SignInOptions>('/api/auth/sign-in-options', signal);

export const userContext = (signal?: AbortSignal) => get<UserContext>('/api/user/context', signal);

export const roadmap = (signal?: AbortSignal) => get<Roadmap>('/api/roadmap', signal);

/** The newest open requests: the product team's triage queue. */
export const triageQueue = (cursor: string | null, signal?: AbortSignal) =>
  get<Page<BoardItem>>(`/api/feature-requests${query({ status: 'open', sort: 'new', limit: 20, cursor })}`, signal);

export const featureRequest = (id: string, signal?: AbortSignal) => get<FeatureRequest>(`/api/feature-requests/${encodeURIComponent(id)}`, signal);

/** A request's discussion, oldest first, 50 comments a page. */
export const requestComments = (id: string, cursor: string | null, signal?: AbortSignal) =>
  get<Page<Comment>>(`/api/feature-requests/${encodeURIComponent(id)}/comments${query({ limit: 50, cursor })}`, signal);

export const requestRevisions = (id: string, signal?: AbortSignal) =>
  get<{ items: Revision[] }>(`/api/feature-requests/${encodeURIComponent(id)}/revisions`, signal);

const commentPath = (requestId: string, commentId: string) =>
  `/api/feature-requests/${encodeURIComponent(requestId)}/comments/${encodeURIComponent(commentId)}`;

export const editComment = (requestId: string, commentId: string, content: string) =>
  api<Comment>('PATCH', commentPath(requestId, commentId), { body: { content } });

export const deleteComment = (requestId: string, commentId: string) => api<undefined>('DELETE', commentPath(requestId, commentId));

export const hideComment = (requestId: string, commentId: string, reason: string) =>
  api<undefined>('POST', `${commentPath(requestId, commentId)}/hide`, { body: { reason } });

export const editFeatureRequest = (id: string, body: Partial<Pick<FeatureRequest, 'title' | 'description'>> & { summary?: string }) =>
  api<FeatureRequest>('PATCH', `/api/feature-requests/${encodeURIComponent(id)}`, { body });

export const changeStatus = (id: string, body: StatusChangeBody) =>
  api<FeatureRequest>('POST', `/api/feature-requests/${encodeURIComponent(id)}/status`, { body });

export const categoryTrends = (weeks: number, signal?: AbortSignal) => get<CategoryTrends>(`/api/analytics/category-trends${query({ weeks })}`, signal);

export const platformHealth = (signal?: AbortSignal) => get<PlatformHealth>('/api/platform/health', signal);
export const errorBudget = (signal?: AbortSignal) => get<{ errorBudget: ErrorBudget | null }>('/api/platform/error-budget', signal);
export const probeHistory = (signal?: AbortSignal) => get<ProbeHistory>('/api/platform/probe-history', signal);

/** Existing requests like a draft, best first (while a request is being written). */
export const detectDuplicates = (body: { title: string; description: string; limit: number }, signal?: AbortSignal) =>
  api<DuplicateCheck>('POST', '/api/ai/detect-duplicates', { body, signal });

/** The likely duplicates the background check linked to a request (triage). */
export const likelyDuplicates = (id: string, signal?: AbortSignal) =>
  get<{ items: DuplicateSuggestion[] }>(`/api/feature-requests/${encodeURIComponent(id)}/duplicates`, signal);

/** Follows (or unfollows) a request: its status changes, merges and comments reach the inbox and email. */
export const followingState = (id: string) => get<{ requestId: string; following: boolean }>(`/api/feature-requests/${encodeURIComponent(id)}/follow`);
export const setFollowing = (id: string, following: boolean) =>
  api<{ requestId: string; following: boolean }>(following ? 'PUT' : 'DELETE', `/api/feature-requests/${encodeURIComponent(id)}/follow`);

/** Merges `id` into `targetId`: its votes and comments move there. */
export const mergeRequest = (id: string, body: { targetId: string; justification: string }) =>
  api<{ duplicate: FeatureRequest; target: FeatureRequest }>('POST', `/api/feature-requests/${encodeURIComponent(id)}/merge`, { body });

export const dismissDuplicate = (id: string, candidateId: string) =>
  api<void>('POST', `/api/feature-requests/${encodeURIComponent(id)}/duplicates/${encodeURIComponent(candidateId)}/dismiss`);

/** Undoes a merge exactly: votes, comments and status go back as they were. */
export const unmergeRequest = (id: string) =>
  api<{ duplicate: FeatureRequest; target: FeatureRequest }>('POST', `/api/feature-requests/${encodeURIComponent(id)}/unmerge`, { body: {} });

/** Product team's RICE overrides: a number sets a factor, null goes back to the prediction. */
export const overrideRice = (id: string, body: Partial<RiceFactors>) =>
  api<FeatureRequest>('PUT', `/api/feature-requests/${encodeURIComponent(id)}/rice`, { body });

/** The latest pain-point themes (product team). */
export const painPoints = (signal?: AbortSignal) => get<PainPoints>('/api/ai/insights/pain-points', signal);

/** Asks for a fresh analysis; `queued` is false when one was already waiting. */
export const refreshPainPoints = () => api<{ jobId: string; queued: boolean }>('POST', '/api/ai/insights/pain-points/refresh');

// --- Privacy centre: the signed-in member's own data (GDPR rights and consent) ---------------------

export const myProfile = (signal?: AbortSignal) => get<PersonalAccount>('/api/privacy/profile', signal);

/** Rectification: only the fields sent change. */
export const correctProfile = (body: ProfilePatch) => api<PersonalAccount>('PATCH', '/api/privacy/profile', { body });

/** Everything WedSync holds about the member, as the JSON file the API names. */
export const exportMyData = () => getFile('/api/privacy/export');

export const consents = (signal?: AbortSignal) => get<ConsentState>('/api/privacy/consents', signal);

/** Gives or withdraws consent for one purpose; it applies at once. */
export const setConsent = (purpose: ConsentPurpose, granted: boolean) =>
  api<ConsentState>('PUT', `/api/privacy/consents/${encodeURIComponent(purpose)}`, { body: { granted } });

export const restrictProcessing = (restricted: boolean) => api<{ restricted: boolean }>('PUT', '/api/privacy/restriction', { body: { restricted } });

/** The phrase the API requires before it erases an account. */
export const ERASURE_PHRASE = 'erase my account';

export const eraseMyAccount = () => api<{ erased: boolean; votesKept: number }>('POST', '/api/privacy/erasure', { body: { confirm: ERASURE_PHRASE } });

// --- Vote review: the product team's decisions on flagged votes -----------------------------------

/** Votes flagged for manipulation, newest first (default: those awaiting a decision). */
export const voteReviews = (filter: VoteReviewFilter | null, cursor: string | null, signal?: AbortSignal) =>
  get<Page<VoteReview>>(`/api/vote-reviews${query({ state: filter, limit: 50, cursor })}`, signal);

/** Release (count in full) or reject (keep, count nowhere) flagged votes, with the reason why. */
export const decideVotes = (decision: 'release' | 'reject', body: VoteDecisionBody) =>
  api<VoteDecisionReply>('POST', `/api/vote-reviews/${decision}`, { body });

/** The signed-in member's inbox, newest first; `unreadOnly` for the bell's count alone. */
export const inbox = (options: { unreadOnly?: boolean; limit?: number } = {}, signal?: AbortSignal) =>
  get<Inbox>(`/api/notifications${query({ unread: options.unreadOnly || undefined, limit: options.limit ?? 50 })}`, signal);

/** Marks the given notifications read, or all of the member's when none are given. */
export const markNotificationsRead = (ids?: string[]) => api<{ updated: number }>('POST', '/api/notifications/read', { body: ids ? { ids } : {} });

export const notificationPreferences = (signal?: AbortSignal) => get<NotificationPreferences>('/api/notifications/preferences', signal);

export const setNotificationPreferences = (change: Partial<NotificationPreferences>) =>
  api<NotificationPreferences>('PUT', '/api/notifications/preferences', { body: change });

// --- Staff screens ---------------------------------------------------------------------------------

export const suppliersToVerify = (state: VerificationState, signal?: AbortSignal) =>
  get<{ items: SupplierForVerification[] }>(`/api/staff/suppliers${query({ state, limit: 100 })}`, signal);

/** Approve or reject, with the reason the supplier reads. */
export const decideSupplier = (id: string, body: { decision: VerificationDecision; reason: string }) =>
  api<VerificationOutcome>('POST', `/api/staff/suppliers/${encodeURIComponent(id)}/verification`, { body });

export const incidents = (status: IncidentStatus | 'unresolved' | null, signal?: AbortSignal) =>
  get<{ items: IncidentSummary[] }>(`/api/ops/incidents${query({ status, limit: 100 })}`, signal);

export const incident = (id: string, signal?: AbortSignal) => get<IncidentDetail>(`/api/ops/incidents/${encodeURIComponent(id)}`, signal);

export const acknowledgeIncident = (id: string) => api<IncidentDetail>('POST', `/api/ops/incidents/${encodeURIComponent(id)}/acknowledge`);

export const resolveIncident = (id: string, note: string) =>
  api<IncidentDetail>('POST', `/api/ops/incidents/${encodeURIComponent(id)}/resolve`, { body: { note } });

export const webhookEndpoints = (signal?: AbortSignal) => get<{ items: WebhookEndpoint[] }>('/api/webhooks', signal);

/** The reply holds the signing secret, shown this once. */
export const registerWebhook = (body: { url: string; description?: string; events: string[] }) =>
  api<WebhookEndpoint & { secret: string }>('POST', '/api/webhooks', { body });

export const updateWebhook = (id: string, body: { enabled?: boolean; events?: string[] }) =>
  api<WebhookEndpoint>('PATCH', `/api/webhooks/${encodeURIComponent(id)}`, { body });

export const sendTestWebhook = (id: string) => api<{ deliveryId: string }>('POST', `/api/webhooks/${encodeURIComponent(id)}/test`);

export const webhookDeliveries = (id: string, signal?: AbortSignal) =>
  get<{ items: WebhookDelivery[] }>(`/api/webhooks/${encodeURIComponent(id)}/deliveries${query({ limit: 20 })}`, signal);

// --- The signed-in member's own API tokens ------------------------------------------------------------

export const myApiTokens = (signal?: AbortSignal) => get<{ items: ApiToken[] }>('/api/auth/tokens', signal);

/** The reply holds the token itself, shown this once. */
export const createApiToken = (body: { name: string; expiresInDays?: number }) => api<ApiToken & { token: string }>('POST', '/api/auth/tokens', { body });

export const revokeApiToken = (id: string) => api<void>('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`);
