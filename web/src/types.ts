// The API's shapes as the UI reads them (see src/http/routes/*/schemas.ts and /api/openapi.json).
import type { RiceFactor } from '../../src/domain/rice.js';
import type { ROADMAP_STATUSES, Status, Urgency, UserRole } from '../../src/domain/feature-requests.js';
import type { ManipulationReason, VoteState } from '../../src/domain/vote-manipulation.js';

export type { Status, Urgency, UserRole };
export type { BoardSort } from '../../src/domain/feature-requests.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  verified: boolean;
  supplierType: string | null;
  businessName: string | null;
  businessSize: string | null;
  country: string | null;
  region: string;
  timeZone: string;
  createdAt: string;
}

export interface SignUpReply {
  status: 'check_your_email';
  emailVerification: 'required' | 'optional';
}

export interface SessionReply {
  user: Account;
  csrfToken: string | null;
}

/** GET /api/auth/sign-in-options: single sign-on when a provider is configured. */
export interface SignInOptions {
  oidc: { providerName: string; startUrl: string } | null;
  passwordSignInForStaff: boolean;
}

/** GET /api/auth/session: who is signed in, if anyone. */
export interface CurrentSession {
  user: Account | null;
  csrfToken: string | null;
}

export interface BoardItem {
  id: string;
  title: string;
  /** Public summary; null until the author or the product team writes one. */
  summary: string | null;
  category: string;
  status: Status;
  urgency: Urgency;
  userType: UserRole;
  voteCount: number;
  voteWeight: number;
  commentCount: number;
  mergedIntoId: string | null;
  createdAt: string;
  updatedAt: string;
  rice: Rice;
  /** Present when signed in. */
  viewerHasVoted?: boolean;
}

export interface StatusChange {
  fromStatus: Status | null;
  toStatus: Status;
  justification: string;
  createdAt: string;
}

export interface Author {
  id: string | null;
  displayName: string;
  role: UserRole;
}

export interface WeddingContext {
  weddingDate: string;
  guestCount: number;
  country: string;
  timeZone: string;
  venueAddress?: string;
  coupleNames?: string;
}

/** What suppliers see of a couple's wedding: month, guest band, country — never the date, venue or names. */
export interface CoarseWeddingContext {
  weddingMonth: string | null;
  weddingSize: 'intimate' | 'medium' | 'large' | 'grand' | 'unknown';
  country: string | null;
  region: string;
}

export interface FeatureRequest extends BoardItem {
  access: 'public' | 'content' | 'full';
  /** Present when signed in: whether its status changes, merges and comments reach the viewer. */
  viewerFollows?: boolean;
  statusHistory: StatusChange[];
  description?: string;
  painPoints?: string[];
  weddingContext?: WeddingContext | CoarseWeddingContext | null;
  author?: Author | null;
  allowedTransitions?: Status[];
}

export interface VoteReply {
  requestId: string;
  voted: boolean;
  /** What the vote counts with now: 0 while held for review. */
  weight: number;
  voteCount: number;
  voteWeight: number;
  /** Set when the vote does not count in full until the product team has reviewed it. */
  review: { state: 'held' | 'down_weighted'; message: string } | null;
}

/** A vote flagged for manipulation, as the product team reviews it (GET /api/vote-reviews). */
export interface VoteReview {
  requestId: string;
  request: { title: string; status: Status };
  voter: { id: string; displayName: string; role: UserRole; verified: boolean; accountAgeDays: number };
  state: VoteState;
  weight: number;
  castWeight: number;
  reasons: { code: ManipulationReason; indicator: string; explanation: string }[];
  signals: { recentVotes: number; newAccountVotes: number; networkAccounts: number; deviceAccounts: number } | null;
  networkTag: string | null;
  deviceTag: string | null;
  votedAt: string;
  decision: { by: { id: string; displayName: string } | null; at: string; justification: string } | null;
}

export type VoteReviewFilter = 'held' | 'down_weighted' | 'rejected' | 'released';

export interface VoteDecisionBody {
  votes: { requestId: string; voterId: string }[];
  justification: string;
}

export interface VoteDecisionReply {
  decided: number;
  state: VoteState;
  requests: { requestId: string; voteCount: number; voteWeight: number }[];
}

export interface Comment {
  id: string;
  requestId: string;
  /** Markdown; empty once deleted. */
  content: string;
  expertAdvice: boolean;
  author: Author | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  /** Until when you may still edit or delete it; null when it is not yours or the window closed. */
  editableUntil: string | null;
  /** Product team only: set when the comment is hidden from members. */
  hidden?: { reason: string; hiddenAt: string; hiddenBy: Author | null } | null;
}

export interface RevisionChange {
  field: 'title' | 'summary' | 'description';
  parts: { kind: 'same' | 'added' | 'removed'; text: string }[];
}

/** One edit of a request (product team): the texts after it and what changed from the one before. */
export interface Revision {
  revision: number;
  title: string;
  summary: string | null;
  description: string;
  editedBy: Author | null;
  createdAt: string;
  changes: RevisionChange[];
}

export interface UserContext {
  user: Account;
  permissions: string[];
  restrictions: string[];
  submissions: { today: number; dailyLimit: number | null };
}

export interface SubmitBody {
  title: string;
  /** Public summary (optional). */
  summary?: string;
  description: string;
  category: string;
  urgency: Urgency;
  painPoints?: string[];
  weddingContext?: WeddingContext;
}

export interface SignUpBody {
  email: string;
  password: string;
  displayName: string;
  role: 'couple' | 'wedding_supplier';
  country?: string;
  timeZone: string;
  supplierType?: string;
  businessName?: string;
  businessSize?: string;
  businessAddress?: string;
  /** The consent boxes; a purpose left out or false is declined. */
  consents?: Partial<Record<ConsentPurpose, boolean>>;
}

export type RoadmapStatus = (typeof ROADMAP_STATUSES)[number];

export interface Roadmap {
  generatedAt: string;
  /** Column order. */
  statuses: RoadmapStatus[];
  columns: Record<RoadmapStatus, RoadmapItem[]>;
}

export interface RoadmapItem extends BoardItem {
  /** When it entered its column (from its status history). */
  statusSince: string;
}

export interface StatusChangeBody {
  status: Status;
  justification: string;
}

export interface CategoryTrends {
  since: string;
  weeks: number;
  items: { category: string; requests: number; newRequests: number; newVotes: number; voteWeight: number }[];
}

export type ComponentStatus = 'operational' | 'degraded' | 'down';

export interface PlatformHealth {
  status: ComponentStatus;
  checkedAt: string;
  components: { name: string; status: ComponentStatus; detail: string }[];
  season: { region: string; season: string; criticalHours: boolean; multiplier: number };
  queues: { queue: string; pending: number; running: number; dead: number; oldestDueSeconds: number | null }[];
  traffic: { windowSeconds: number; requests: number; errorRate: number; p95Ms: number | null };
}

/** `GET /api/platform/error-budget`: the availability error budget over the last 30 days (null before the probe's first run). */
export interface ErrorBudget {
  objective: number;
  windowDays: number;
  allowedDowntimeSeconds: number;
  downtimeSeconds: number;
  /** 1 untouched, 0 spent, below 0 overspent. */
  left: number;
  probe: string;
  measuredSince: string;
}

/** `GET /api/platform/probe-history`: the synthetic probes' runs of the last hour, oldest first. */
export interface ProbeHistory {
  since: string;
  runs: { probe: string; ok: boolean; durationMs: number; at: string }[];
}

/** A request that may be the same as another one (`POST /api/ai/detect-duplicates`, `GET …/duplicates`). */
export interface DuplicateSuggestion {
  id: string;
  title: string;
  /** Its public summary: what voting for it means. */
  summary: string | null;
  status: Status;
  votes: number;
  /** Probability (0–1) that it is the same request. */
  score: number;
  likelyDuplicate: boolean;
  reasons: string[];
}

export interface DuplicateCheck {
  matches: DuplicateSuggestion[];
  model: string;
  /** False when the AI model is unavailable and only the wording was compared. */
  available: boolean;
}

/** A theme of the AI's pain-point analysis: many requests asking for the same kind of thing. */
export interface PainPointTheme {
  label: string;
  terms: string[];
  requests: number;
  voteWeight: number;
  voters: number;
  /** How alike its requests are (mean cosine to the theme's centre, up to 1). */
  cohesion: number;
  categories: Record<string, number>;
  userTypes: Record<string, number>;
  urgency: Record<string, number>;
  growth: { last30Days: number; previous30Days: number };
  examples: { id: string; title: string; status: Status; votes: number; voteWeight: number }[];
}

/** `GET /api/ai/insights/pain-points`. */
export interface PainPoints {
  /** False when the AI model cannot run on this server. */
  available: boolean;
  /** A run is due or under way. */
  runQueued: boolean;
  snapshot: null | {
    id: string;
    generatedAt: string;
    modelVersion: string;
    algorithm: string;
    requestsConsidered: number;
    requestsThemed: number;
    requestCap: number;
    durationMs: number;
    themes: PainPointTheme[];
  };
}

export type RiceFactors = Record<RiceFactor, number | null>;

/** RICE prioritisation: the effective factors (override where set, prediction otherwise) and the score. */
export interface Rice extends RiceFactors {
  score: number;
  predicted: RiceFactors;
  overridden: RiceFactor[];
  computedAt: string | null;
}

/** `GET /api/privacy/profile`: the account with what rectification and restriction act on. */
export interface PersonalAccount extends Account {
  phone: string | null;
  businessAddress: string | null;
  processingRestricted?: boolean;
}

/** `PATCH /api/privacy/profile`: the fields a member may correct; null removes an optional one. */
export interface ProfilePatch {
  displayName?: string;
  phone?: string | null;
  businessName?: string | null;
  businessAddress?: string | null;
  timeZone?: string;
}

/** CONSENT_PURPOSES of src/domain/consent.ts (not imported: that module hashes with node:crypto). */
export type ConsentPurpose = 'feature_feedback' | 'ai_analysis' | 'trend_analytics';

export interface ConsentRecord {
  purpose: ConsentPurpose;
  granted: boolean;
  method: string;
  policyVersion: string;
  createdAt: string;
}

/** `GET /api/privacy/consents`: the decision per purpose and the hash-chained evidence behind it. */
export interface ConsentState {
  policyVersion: string;
  consents: Record<ConsentPurpose, boolean>;
  evidenceIntact: boolean;
  /** Oldest first. */
  evidence: ConsentRecord[];
}

/** One entry of the inbox (GET /api/notifications). */
export interface MemberNotification {
  id: string;
  /** 'status_changed', 'request_merged', 'comment_posted' — or a kind this build does not know yet. */
  kind: string;
  requestId: string | null;
  requestTitle: string | null;
  details: { from?: Status; to?: Status; justification?: string; duplicateTitle?: string; decision?: VerificationDecision; reason?: string };
  readAt: string | null;
  createdAt: string;
}

export interface Inbox {
  items: MemberNotification[];
  unread: number;
}

export type EmailFrequency = 'instant' | 'daily' | 'weekly' | 'off';

export interface NotificationPreferences {
  inApp: boolean;
  email: EmailFrequency;
}

// --- Staff screens (src/http/routes/{staff,ops,webhooks}/schemas.ts, auth's API tokens) ------------

export type VerificationState = 'pending' | 'approved' | 'rejected';
export type VerificationDecision = 'approved' | 'rejected';

export interface SupplierForVerification {
  id: string;
  displayName: string;
  businessName: string | null;
  supplierType: string | null;
  businessSize: string | null;
  country: string | null;
  region: string;
  verified: boolean;
  createdAt: string;
  requests: number;
  votes: number;
  lastDecision: { decision: VerificationDecision; reason: string; decidedAt: string } | null;
}

export interface VerificationOutcome {
  supplierId: string;
  decision: VerificationDecision;
  reason: string;
  decidedAt: string;
  verified: boolean;
}

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface IncidentSummary {
  id: string;
  alertName: string;
  severity: 'critical' | 'warning' | 'info';
  status: IncidentStatus;
  summary: string;
  occurrences: number;
  openedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

export interface IncidentDelivery {
  id: string;
  team: string;
  member: string | null;
  reason: string;
  channel: string;
  recipient: string;
  notifyAt: string;
  state: 'pending' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

export interface IncidentDetail extends IncidentSummary {
  resolutionNote: string | null;
  communication: string | null;
  steps: {
    step: number;
    afterMinutes: number;
    teams: string[];
    dueAt: string;
    state: 'scheduled' | 'notified' | 'cancelled';
    startedAt: string | null;
    notifications: IncidentDelivery[];
  }[];
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  messageId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed' | 'abandoned';
  attempts: { attempt: number; statusCode: number | null; durationMs: number; error: string | null; attemptedAt: string }[];
  createdAt: string;
  deliveredAt: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
