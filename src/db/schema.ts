// The one PostgreSQL schema, shared by the embedded (PGlite) and server modes.
// Migrations in /migrations are generated from this file by drizzle-kit (`npm run db:generate`)
// and then reviewed; hand-written SQL goes in custom migrations.
//
// Field encryption (src/security/, docs/decisions/0014): the free-text and PII fields (description,
// pain points, wedding context, comment content, email, phone, business address) hold sealed text
// (`v1.k<version>.…` or `v1.u.…`), never plaintext; `key_version` says which data key version a
// row's shared-content fields use (null: a row from before encryption, sealed at migrate time).
// Lookups go through blind (HMAC) indexes: `email_index` and `search_tokens`.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  foreignKey,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { RetentionClass } from '../domain/audit-chain.js';
import type { ConsentPurpose } from '../domain/consent.js';
import type { BusinessSize, Status, SupplierType, Urgency, UserRole } from '../domain/feature-requests.js';
import type { ManipulationReason, VoteEvidence, VoteState } from '../domain/vote-manipulation.js';

const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Sealed with the user's personal key. */
    email: text('email').notNull(),
    /** Blind index for login: HMAC of the normalised address (src/security/keyring.ts). */
    emailIndex: text('email_index').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<UserRole>().notNull(),
    supplierType: text('supplier_type').$type<SupplierType>(),
    businessName: text('business_name'),
    businessSize: text('business_size').$type<BusinessSize>(),
    businessAddress: text('business_address'),
    phone: text('phone'),
    verified: boolean('verified').notNull().default(false),
    country: text('country'),
    region: text('region').notNull(),
    timeZone: text('time_zone').notNull(),
    createdAt: createdAt(),
    /** A service account of the synthetic probes (src/services/probes.ts): what it submits is synthetic. */
    synthetic: boolean('synthetic').notNull().default(false),
    /**
     * Whether AI may analyse what they submit (duplicate detection, scoring): their `ai_analysis`
     * consent and no restriction of processing. Kept by src/services/consent.ts in the transaction
     * that records the consent or restriction; jobs re-check it when they run.
     */
    aiAnalysisConsent: boolean('ai_analysis_consent').notNull().default(false),
    /**
     * The user's personal data key (email, phone, business address, wedding contexts), wrapped by
     * member key-encryption key version `member_key_version` (src/security/member-keys.ts; null: by
     * data key version `key_version`, as before migration 0022). Null with a key_version:
     * crypto-shredded, the sealed fields are gone.
     */
    dataKey: text('data_key'),
    /** The member KEK version wrapping data_key; the KEK sweep moves every live key to the newest. */
    memberKeyVersion: integer('member_key_version'),
    /** Null: a row from before encryption (sealed at migrate time). */
    keyVersion: integer('key_version'),
    /** Likewise for trend analytics (`trend_analytics` consent and no restriction). */
    trendAnalyticsConsent: boolean('trend_analytics_consent').notNull().default(false),
    /**
     * Whether we may contact them about their requests — status-change and merge notifications,
     * feedback invitations: their `feature_feedback` consent and no restriction of processing.
     * The notification jobs read it when they run, so a withdrawal stops queued ones too.
     */
    featureFeedbackConsent: boolean('feature_feedback_consent').notNull().default(false),
    /** GDPR restriction of processing: AI, analytics and notifications halt for them until lifted. */
    processingRestricted: boolean('processing_restricted').notNull().default(false),
    /** GDPR erasure: personal data replaced, sign-in impossible, contributions shown as "Former member". */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    /**
     * A voter brought in by a CSV import (src/services/request-transfer.ts): no password, cannot sign
     * in (its email_index is no login's), known only by this keyed hash of the imported email. The
     * member who signs up with that email claims its votes and the placeholder goes.
     */
    importedEmailIndex: text('imported_email_index'),
    /**
     * When the member proved they read mail at their address (the sign-up link, or a confirmed email
     * change). Null: unverified — with EMAIL_VERIFICATION=required they may browse but not contribute.
     */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('users_email_index_key').on(t.emailIndex),
    uniqueIndex('users_imported_email_index_key')
      .on(t.importedEmailIndex)
      .where(sql`${t.importedEmailIndex} is not null`),
    index('users_key_version_idx').on(t.keyVersion),
    index('users_member_key_version_idx').on(t.memberKeyVersion),
  ],
);

export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

/**
 * The links of account emails (src/services/account-email.ts). A row is written when the member
 * asks; the job that sends the email mints the secret and stores only its SHA-256 here, so the
 * link exists nowhere but in the email. Using a link consumes every open row of that purpose.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<AccountTokenPurpose>().notNull(),
    /** SHA-256 of the link's secret; null until the email job minted it. */
    tokenHash: text('token_hash'),
    /** change_email: the new address, sealed with the member's personal key, and its blind index. */
    newEmail: text('new_email'),
    newEmailIndex: text('new_email_index'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('account_tokens_token_hash_key').on(t.tokenHash), index('account_tokens_user_purpose_idx').on(t.userId, t.purpose, t.createdAt)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the cookie value; the value itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** An account's identity at the OpenID Connect provider: who may sign in as it through single sign-on. */
export const oidcIdentities = pgTable(
  'oidc_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The provider's issuer identifier and its stable subject for the person (never the email, which can change hands). */
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: createdAt(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('oidc_identities_issuer_subject_key').on(t.issuer, t.subject), index('oidc_identities_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the token, so people can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

export interface WeddingContext {
  weddingDate: string;
  guestCount: number;
  country: string;
  timeZone: string;
  venueAddress?: string;
  coupleNames?: string;
}

export const featureRequests = pgTable(
  'feature_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    /** Short public summary (like the title, public to everyone who sees the board); null: none written yet. */
    summary: text('summary'),
    /** Sealed (data key). */
    description: text('description').notNull(),
    /** Sealed JSON array of strings (data key). */
    painPoints: text('pain_points').notNull(),
    category: text('category').notNull(),
    urgency: text('urgency').$type<Urgency>().notNull(),
    status: text('status').$type<Status>().notNull().default('open'),
    /** The author's role when they submitted: the board segments by it even after role changes. */
    userType: text('user_type').$type<UserRole>().notNull(),
    /** Sealed JSON WeddingContext, with the author's personal key: erasing the author shreds it. */
    weddingContext: text('wedding_context'),
    /** Coarse, non-identifying copies of the context that seasons and metrics group by. */
    country: text('country'),
    region: text('region'),
    guestCount: integer('guest_count'),
    /** How many pain points the (sealed) list holds: RICE's effort and confidence use it. */
    painPointCount: integer('pain_point_count').notNull().default(0),
    voteCount: integer('vote_count').notNull().default(0),
    voteWeight: doublePrecision('vote_weight').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    /** See migrations/0001: recomputed by PostgreSQL whenever the votes or the date change. */
    trendingScore: doublePrecision('trending_score')
      .notNull()
      .generatedAlwaysAs(sql`trending_score("vote_weight", "created_at")`),
    mergedIntoId: uuid('merged_into_id'),
    /** RICE (src/domain/rice.ts): factors predicted from the request by the recompute_rice job. */
    riceReach: doublePrecision('rice_reach'),
    riceImpact: doublePrecision('rice_impact'),
    riceConfidence: doublePrecision('rice_confidence'),
    riceEffort: doublePrecision('rice_effort'),
    /** The product team's overrides, one per factor; null: the prediction counts. */
    riceReachOverride: doublePrecision('rice_reach_override'),
    riceImpactOverride: doublePrecision('rice_impact_override'),
    riceConfidenceOverride: doublePrecision('rice_confidence_override'),
    riceEffortOverride: doublePrecision('rice_effort_override'),
    /** Effective score R×I×C/E, kept right by PostgreSQL whenever a factor or override changes. */
    riceScore: doublePrecision('rice_score')
      .notNull()
      .generatedAlwaysAs(
        sql`coalesce(coalesce("rice_reach_override", "rice_reach") * coalesce("rice_impact_override", "rice_impact") * coalesce("rice_confidence_override", "rice_confidence") / nullif(coalesce("rice_effort_override", "rice_effort"), 0), 0)`,
      ),
    riceComputedAt: timestamp('rice_computed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Data key version of description and pain points; null before encryption. */
    keyVersion: integer('key_version'),
    /** Blind full-text index: an HMAC per normalised token of title, description and pain points. */
    searchTokens: text('search_tokens')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * The same for the title alone, which everyone who sees the board may read: what callers who may
     * not read the description search. Null: not indexed yet (rows from before it, filled at migrate).
     */
    titleSearchTokens: text('title_search_tokens').array(),
    /** Submitted by a synthetic probe: kept off the board, roadmap, trends and business metrics. */
    synthetic: boolean('synthetic').notNull().default(false),
  },
  (t) => [
    index('feature_requests_top_idx').on(t.voteWeight.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_new_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_trending_idx').on(t.trendingScore.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_rice_idx').on(t.riceScore.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_status_top_idx').on(t.status, t.voteWeight.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_category_top_idx').on(t.category, t.voteWeight.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('feature_requests_author_idx').on(t.authorId, t.createdAt),
    index('feature_requests_merged_into_idx').on(t.mergedIntoId),
    foreignKey({ columns: [t.mergedIntoId], foreignColumns: [t.id], name: 'feature_requests_merged_into_fk' }).onDelete('set null'),
    index('feature_requests_search_tokens_idx').using('gin', t.searchTokens),
    index('feature_requests_title_search_tokens_idx').using('gin', t.titleSearchTokens),
    index('feature_requests_key_version_idx').on(t.keyVersion),
  ],
);

/**
 * Each edit of a request's title, summary or description, as the request read after it: the product
 * team compares consecutive revisions. Revision 1 is the request as first submitted (written when the
 * first edit happens). The description is sealed like the request's own.
 */
export const featureRequestRevisions = pgTable(
  'feature_request_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    editedBy: uuid('edited_by').references(() => users.id, { onDelete: 'set null' }),
    editedByRole: text('edited_by_role').$type<UserRole>(),
    title: text('title').notNull(),
    summary: text('summary'),
    /** Sealed (data key version key_version). */
    description: text('description').notNull(),
    keyVersion: integer('key_version'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('feature_request_revisions_request_revision_idx').on(t.requestId, t.revision),
    index('feature_request_revisions_key_version_idx').on(t.keyVersion),
  ],
);

/**
 * How a vote fared against vote-manipulation detection (src/domain/vote-manipulation.ts). Shared by
 * `votes` and `request_merge_votes`, so a merge records a vote whole and its un-merge restores it.
 */
const voteReviewColumns = () => ({
  /** The weight the voter's role carries; `weight` is less while the vote is down-weighted. */
  castWeight: doublePrecision('cast_weight').notNull(),
  reviewState: text('review_state').$type<VoteState>().notNull().default('accepted'),
  /** Why it was held or down-weighted (machine-readable; empty for a vote accepted as cast). */
  reviewReasons: text('review_reasons')
    .array()
    .$type<ManipulationReason[]>()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** The counts and thresholds behind the reasons; null when nothing fired. */
  reviewEvidence: jsonb('review_evidence').$type<VoteEvidence>(),
  /** Blind-index HMACs of the voter's network (IPv4 /24, IPv6 /64) and device: comparable, never an address. */
  networkHash: text('network_hash'),
  deviceHash: text('device_hash'),
  reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
  reviewJustification: text('review_justification'),
});

export const votes = pgTable(
  'votes',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What the vote counts with while `counted`: the cast weight, or less while down-weighted. */
    weight: doublePrecision('weight').notNull(),
    createdAt: createdAt(),
    ...voteReviewColumns(),
    /** Whether the vote is in the request's counters: every count and sum of votes filters on it. */
    counted: boolean('counted')
      .notNull()
      .generatedAlwaysAs(sql`review_state in ('accepted', 'down_weighted')`),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.userId] }),
    index('votes_user_idx').on(t.userId),
    // The manipulation signals: recent votes, and votes per network / device, on one request.
    index('votes_request_created_idx').on(t.requestId, t.createdAt),
    index('votes_request_network_idx')
      .on(t.requestId, t.networkHash, t.createdAt)
      .where(sql`${t.networkHash} is not null`),
    index('votes_request_device_idx')
      .on(t.requestId, t.deviceHash, t.createdAt)
      .where(sql`${t.deviceHash} is not null`),
    // The product team's review list: flagged and reviewed votes only.
    index('votes_review_idx')
      .on(t.reviewState, t.createdAt.desc())
      .where(sql`${t.reviewState} <> 'accepted' or ${t.reviewedAt} is not null`),
  ],
);

export const comments = pgTable(
  'comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorRole: text('author_role').$type<UserRole>().notNull(),
    /** Sealed (data key version key_version). */
    content: text('content').notNull(),
    expertAdvice: boolean('expert_advice').notNull().default(false),
    /** Set while the comment sits on a merge target: the duplicate it came from (un-merge moves it back). */
    mergedFromRequestId: uuid('merged_from_request_id').references(() => featureRequests.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    keyVersion: integer('key_version'),
    /** Last edit by its author (within the edit window); null: as first posted. */
    editedAt: timestamp('edited_at', { withTimezone: true, mode: 'date' }),
    /** Withdrawn by its author: the content is blanked and the thread shows a placeholder. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    /** Hidden by the product team: members no longer see it, staff see it with the reason. */
    hiddenAt: timestamp('hidden_at', { withTimezone: true, mode: 'date' }),
    hiddenBy: uuid('hidden_by').references(() => users.id, { onDelete: 'set null' }),
    hiddenReason: text('hidden_reason'),
  },
  (t) => [
    index('comments_request_idx').on(t.requestId, t.createdAt),
    index('comments_key_version_idx').on(t.keyVersion),
    index('comments_merged_from_idx')
      .on(t.mergedFromRequestId)
      .where(sql`${t.mergedFromRequestId} is not null`),
  ],
);

/**
 * Who follows a request: told of its status changes, merges and new comments. Authors, voters and
 * commenters follow automatically; `following = false` records an unfollow, so a later vote or
 * comment does not follow them again.
 */
export const requestFollows = pgTable(
  'request_follows',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    following: boolean('following').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.userId] }),
    // A member's followed requests (erasure, "following" lists).
    index('request_follows_user_idx').on(t.userId),
  ],
);

export const statusHistory = pgTable(
  'status_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status').$type<Status>(),
    toStatus: text('to_status').$type<Status>().notNull(),
    changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
    justification: text('justification').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('status_history_request_idx').on(t.requestId, t.createdAt)],
);

/**
 * The product team's decisions on wedding suppliers' verification (src/services/supplier-verification.ts),
 * newest last: `users.verified` is the current answer, these rows say who decided, when and why, so a
 * rejected supplier is not asked again by the queue and can be told the reason.
 */
export const supplierVerifications = pgTable(
  'supplier_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    decision: text('decision').$type<'approved' | 'rejected'>().notNull(),
    reason: text('reason').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('supplier_verifications_supplier_idx').on(t.supplierId, t.createdAt)],
);

/**
 * Merges of a duplicate into a target (src/services/merges.ts). A row stays after un-merge (with
 * `unmerged_at`) as history; at most one live merge per duplicate.
 */
export const requestMerges = pgTable(
  'request_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    duplicateId: uuid('duplicate_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    targetId: uuid('target_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    justification: text('justification').notNull(),
    /** The duplicate's status before the merge: un-merge puts it back. */
    priorStatus: text('prior_status').$type<Status>().notNull(),
    mergedBy: uuid('merged_by').references(() => users.id, { onDelete: 'set null' }),
    mergedAt: timestamp('merged_at', { withTimezone: true, mode: 'date' }).notNull(),
    unmergedBy: uuid('unmerged_by').references(() => users.id, { onDelete: 'set null' }),
    unmergedAt: timestamp('unmerged_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('request_merges_live_duplicate_key')
      .on(t.duplicateId)
      .where(sql`${t.unmergedAt} is null`),
    index('request_merges_live_target_idx')
      .on(t.targetId)
      .where(sql`${t.unmergedAt} is null`),
  ],
);

/**
 * The votes a merge touched, as they were: each vote taken from the duplicate (`duplicate`) and, when
 * the voter had also voted on the target, that original target vote (`target_original`).
 */
export const requestMergeVotes = pgTable(
  'request_merge_votes',
  {
    mergeId: uuid('merge_id')
      .notNull()
      .references(() => requestMerges.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'duplicate' | 'target_original'>().notNull(),
    weight: doublePrecision('weight').notNull(),
    votedAt: timestamp('voted_at', { withTimezone: true, mode: 'date' }).notNull(),
    ...voteReviewColumns(),
  },
  (t) => [primaryKey({ columns: [t.mergeId, t.userId, t.kind] }), index('request_merge_votes_user_idx').on(t.userId)],
);

/**
 * What a shipped request actually achieved, filled in by the product team, next to what RICE had
 * predicted when the outcome was recorded: rice_score_prediction_accuracy compares the two.
 */
export const requestOutcomes = pgTable('request_outcomes', {
  requestId: uuid('request_id')
    .primaryKey()
    .references(() => featureRequests.id, { onDelete: 'cascade' }),
  actualReach: doublePrecision('actual_reach'),
  actualImpact: doublePrecision('actual_impact'),
  actualEffort: doublePrecision('actual_effort'),
  predictedReach: doublePrecision('predicted_reach').notNull(),
  predictedImpact: doublePrecision('predicted_impact').notNull(),
  predictedEffort: doublePrecision('predicted_effort').notNull(),
  recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
  recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * The durable job queue (src/queue/queue.ts, the only module that reads or writes it). A job is
 * inserted in the same transaction as the change that causes it; workers claim jobs with FOR UPDATE
 * SKIP LOCKED under a lease they extend while the job runs, so a crashed worker's job runs again
 * (at-least-once) and handlers must be idempotent.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    queue: text('queue').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /** Higher runs first. */
    priority: integer('priority').notNull().default(0),
    state: text('state').$type<'pending' | 'running' | 'succeeded' | 'dead'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    /** How many times it was dead-lettered (a replayed job can die again): jobs_dead_lettered_total. */
    deadLetters: integer('dead_letters').notNull().default(0),
    /** At most one live job per key: repeated enqueues (and every worker's scheduler) collapse. */
    dedupeKey: text('dedupe_key'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('jobs_claim_idx')
      .on(t.queue, t.priority.desc().nullsFirst(), t.runAt)
      .where(sql`${t.state} = 'pending'`),
    index('jobs_lease_idx')
      .on(t.lockedUntil)
      .where(sql`${t.state} = 'running'`),
    index('jobs_dead_idx')
      .on(t.queue, t.finishedAt)
      .where(sql`${t.state} = 'dead'`),
    uniqueIndex('jobs_dedupe_key')
      .on(t.dedupeKey)
      .where(sql`${t.state} in ('pending', 'running')`),
  ],
);

/** In-product notifications: what changed on the requests someone voted for or submitted. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    requestId: uuid('request_id').references(() => featureRequests.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** The event that caused it: re-running a fan-out job inserts nothing twice. */
    sourceId: text('source_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    /** Shown in the inbox: false when the member turned in-app notifications off but still gets email. */
    inApp: boolean('in_app').notNull().default(true),
    /** When it went out by email (alone or in a digest): a re-run job never sends it twice. */
    emailedAt: timestamp('emailed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('notifications_source_key').on(t.userId, t.sourceId), index('notifications_user_idx').on(t.userId, t.createdAt)],
);

export const EMAIL_FREQUENCIES = ['instant', 'daily', 'weekly', 'off'] as const;
export type EmailFrequency = (typeof EMAIL_FREQUENCIES)[number];

/**
 * How a member wants to hear about their requests. No row: the defaults (in-app on, email at once).
 * Either channel still needs `feature_feedback` consent (users.feature_feedback_consent).
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    inApp: boolean('in_app').notNull().default(true),
    email: text('email').$type<EmailFrequency>().notNull().default('instant'),
    /** The latest digest sent: the next one is due a day (or a week) after it. */
    lastDigestAt: timestamp('last_digest_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('notification_preferences_email_check', sql`${t.email} in ('instant', 'daily', 'weekly', 'off')`)],
);

/**
 * What people did, for accountability: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE
 * outside the retention purge) and hash-chained, one chain per retention class (see
 * src/domain/audit-chain.ts). Events recorded before chaining existed have no chain columns.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chain: text('chain').$type<RetentionClass>(),
    lane: smallint('lane').notNull().default(0),
    sequence: bigint('sequence', { mode: 'number' }),
    previousHash: text('previous_hash'),
    hash: text('hash'),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_actor_idx').on(t.actorId, t.createdAt),
    index('audit_events_target_idx').on(t.targetType, t.targetId),
    uniqueIndex('audit_events_chain_lane_sequence_key').on(t.chain, t.lane, t.sequence),
  ],
);

/** Where each lane of each audit chain ends: locked and advanced in the transaction that appends an event. */
export const auditChainHeads = pgTable(
  'audit_chain_heads',
  {
    chain: text('chain').$type<RetentionClass>().notNull(),
    lane: smallint('lane').notNull().default(0),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.lane] })],
);

/**
 * Where each lane's keyed hashing begins (decision 0028): its events up to `sequence` were hashed
 * with plain SHA-256 before the chain was keyed, every later one must carry the HMAC. Written once,
 * by migration 0021, at each lane's head then; a trigger refuses any UPDATE or DELETE.
 */
export const auditKeyedChainStarts = pgTable(
  'audit_keyed_chain_starts',
  {
    chain: text('chain').$type<RetentionClass>().notNull(),
    lane: smallint('lane').notNull(),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    /** The lane's newest checkpoint whose signature did not cover its kind (0: none); later ones must. */
    unkeyedCheckpointId: bigint('unkeyed_checkpoint_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.lane] })],
);

/**
 * Signed (HMAC, AUDIT_SIGNING_KEY) statements that a chain reached `sequence` with `hash`: written
 * before the purge deletes a chain's expired prefix (`purge`), so verification can start there, and
 * for the current head (`anchor`) every AUDIT_CHECKPOINT_INTERVAL_SECONDS, on each purge run and on
 * `audit checkpoint`, so a rewritten or shortened chain contradicts them.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chain: text('chain').$type<RetentionClass>().notNull(),
    lane: smallint('lane').notNull().default(0),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    kind: text('kind').$type<'purge' | 'anchor'>().notNull(),
    signature: text('signature').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_checkpoints_chain_idx').on(t.chain, t.lane, t.sequence)],
);

/**
 * Consent evidence: every grant or withdrawal, who recorded it, how, under which policy version —
 * hash-chained per user (each record's hash covers the previous one), never updated. A user's
 * current consent for a purpose is their latest record (the default when there is none).
 */
export const consentRecords = pgTable(
  'consent_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<ConsentPurpose>().notNull(),
    granted: boolean('granted').notNull(),
    /** How it was given: the web/API, an operator on the command line… */
    method: text('method').notNull(),
    policyVersion: text('policy_version').notNull(),
    recordedBy: uuid('recorded_by'),
    createdAt: createdAt(),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('consent_records_user_idx').on(t.userId, t.id), uniqueIndex('consent_records_previous_key').on(t.userId, t.previousHash)],
);

/**
 * Escalation engine (src/services/incidents.ts): one incident per firing alert fingerprint — at most
 * one unresolved per fingerprint, so Alertmanager's repeats attach to it. The policy is frozen at
 * opening; each step's due time lives in `incident_steps`, so timers survive restarts.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fingerprint: text('fingerprint').notNull(),
    alertName: text('alert_name').notNull(),
    severity: text('severity').$type<'critical' | 'warning' | 'info'>().notNull(),
    status: text('status').$type<'open' | 'acknowledged' | 'resolved'>().notNull().default('open'),
    summary: text('summary').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    annotations: jsonb('annotations').$type<Record<string, string>>().notNull().default({}),
    policy: jsonb('policy').$type<{ source: string; steps: { afterMinutes: number; teams: string[] }[]; communication?: string }>().notNull(),
    /** How many times Alertmanager sent it while unresolved (de-duplicated repeats). */
    occurrences: integer('occurrences').notNull().default(1),
    alertStartsAt: timestamp('alert_starts_at', { withTimezone: true, mode: 'date' }),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    /** Null with a resolvedAt: resolved by Alertmanager. */
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    uniqueIndex('incidents_unresolved_fingerprint_key')
      .on(t.fingerprint)
      .where(sql`${t.status} <> 'resolved'`),
    index('incidents_status_opened_idx').on(t.status, t.openedAt.desc().nullsFirst()),
  ],
);

/** One row per escalation step of an incident: when it is due and whether it ran (unique: runs once). */
export const incidentSteps = pgTable(
  'incident_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    teams: jsonb('teams').$type<string[]>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
    state: text('state').$type<'scheduled' | 'notified' | 'cancelled'>().notNull().default('scheduled'),
    /** Who was picked per team, and why (awake, critical wakes primary, waits for morning). */
    picks: jsonb('picks').$type<Record<string, unknown>[]>().notNull().default([]),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('incident_steps_incident_step_key').on(t.incidentId, t.step)],
);

/** Each outbound delivery (webhook, email) of a step to one team: its own retried job. */
export const incidentNotifications = pgTable(
  'incident_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    team: text('team').notNull(),
    member: text('member'),
    memberTimeZone: text('member_time_zone'),
    reason: text('reason').notNull(),
    /** pagerduty: the incident's trigger (step 0); pagerduty_resolve: its resolve, sent after the incident closes. */
    channel: text('channel').$type<'webhook' | 'email' | 'pagerduty' | 'pagerduty_resolve'>().notNull(),
    recipient: text('recipient').notNull(),
    notifyAt: timestamp('notify_at', { withTimezone: true, mode: 'date' }).notNull(),
    state: text('state').$type<'pending' | 'sent' | 'failed' | 'cancelled'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('incident_notifications_step_key').on(t.incidentId, t.step, t.team, t.channel),
    index('incident_notifications_incident_idx').on(t.incidentId, t.createdAt),
  ],
);

/** Each synthetic probe run (src/services/probes.ts): every process reports the same results from here. */
export const probeRuns = pgTable(
  'probe_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    probe: text('probe').notNull(),
    ok: boolean('ok').notNull(),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('probe_runs_probe_at_idx').on(t.probe, t.at.desc()), index('probe_runs_at_idx').on(t.at)],
);

/**
 * What the duplicate detector knows about a request (src/ai): its sentence embedding (null when it was
 * indexed while the model was down) and how similar it is to its nearest neighbours. Where pgvector
 * exists, a migration adds `embedding_vector` with an HNSW index for nearest-neighbour candidates.
 */
export const requestEmbeddings = pgTable('request_embeddings', {
  requestId: uuid('request_id')
    .primaryKey()
    .references(() => featureRequests.id, { onDelete: 'cascade' }),
  model: text('model').notNull(),
  /** Of the text that was embedded: an unchanged request is not embedded again. */
  contentHash: text('content_hash').notNull(),
  /** Float32 values, little-endian: a tenth of the size of real[] on the wire, and no parsing. */
  embedding: bytea('embedding'),
  neighbourhood: jsonb('neighbourhood').$type<{ semantic: number | null; words: number | null; characters: number | null }>().notNull(),
  indexedAt: timestamp('indexed_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * The detector's inverted index: one keyed hash per distinct comparable term (stemmed, synonym-folded
 * word) of a request's title and description — document frequencies and lexical candidates come from
 * here without storing the (encrypted) text in the clear.
 */
export const requestTerms = pgTable(
  'request_terms',
  {
    term: text('term').notNull(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.term, t.requestId] }), index('request_terms_request_idx').on(t.requestId)],
);

/** How many requests use each term (IDF), kept by a trigger on request_terms (migrations/0008). */
export const requestTermFrequencies = pgTable('request_term_frequencies', {
  term: text('term').primaryKey(),
  requests: integer('requests').notNull(),
});

/**
 * What the background check found for a request: its five best candidates (and any further likely
 * duplicates) with score, rank and reasons. Likely ones are shown in triage until dismissed; merges and
 * dismissals against these rows give the detector's live accuracy.
 */
export const duplicateCandidates = pgTable(
  'duplicate_candidates',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    score: doublePrecision('score').notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    /** 1 = the best candidate. */
    rank: integer('rank').notNull(),
    /** Scored at or above the shipped threshold. */
    likely: boolean('likely').notNull(),
    model: text('model').notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The product team said "not a duplicate". */
    dismissedAt: timestamp('dismissed_at', { withTimezone: true, mode: 'date' }),
    dismissedBy: uuid('dismissed_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.candidateId] }), index('duplicate_candidates_candidate_idx').on(t.candidateId)],
);

/** One pain-point theme as a snapshot stores it (src/services/pain-point-themes.ts). */
export interface StoredPainPointTheme {
  label: string;
  terms: string[];
  requests: number;
  voteWeight: number;
  voters: number;
  /** Mean cosine of the members to the theme's centre (the audit's confidence score). */
  cohesion: number;
  categories: Record<string, number>;
  userTypes: Record<string, number>;
  urgency: Record<string, number>;
  /** Requests created in the last 30 days and in the 30 before, as of the snapshot. */
  growth: { last30Days: number; previous30Days: number };
  /** Up to five members, most-voted first: the API reads their current title, status and votes. */
  exampleIds: string[];
}

/**
 * What the AI found across the board, one row per run of an `ai_analysis` job (`kind`: so far only
 * `pain_point_themes`); the newest few are kept. `job_id` is unique: a retried run writes nothing twice.
 */
export const aiInsightSnapshots = pgTable(
  'ai_insight_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<'pain_point_themes'>().notNull(),
    jobId: uuid('job_id'),
    generatedAt: timestamp('generated_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The embedding model whose vectors were grouped, and the grouping's name and settings. */
    modelVersion: text('model_version').notNull(),
    algorithm: text('algorithm').notNull(),
    requestsConsidered: integer('requests_considered').notNull(),
    requestsThemed: integer('requests_themed').notNull(),
    durationMs: integer('duration_ms').notNull(),
    themes: jsonb('themes').$type<StoredPainPointTheme[]>().notNull(),
  },
  (t) => [index('ai_insight_snapshots_kind_generated_idx').on(t.kind, t.generatedAt.desc()), uniqueIndex('ai_insight_snapshots_job_key').on(t.jobId)],
);

/**
 * The keyring (src/security/keyring.ts): random keys wrapped by the master key. `data` has one row per
 * version (the highest is current; rotation adds one); `blind_index` has one, never rotated.
 */
export const encryptionKeys = pgTable(
  'encryption_keys',
  {
    purpose: text('purpose').$type<'data' | 'blind_index'>().notNull(),
    version: integer('version').notNull(),
    wrappedKey: text('wrapped_key').notNull(),
    createdAt: createdAt(),
    /** Set once no row uses this version any more (rotation finished); kept to read older backups. */
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.purpose, t.version] })],
);

/**
 * Idempotency-Key (src/http/plugins/app/idempotency.ts): the first response to a change, per caller
 * and key, kept 24 h. `response_status` null: the first request is still running. The body hash is
 * keyed (HMAC) and the stored response body is sealed like other shared content.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** `user:<id>` for a signed-in caller, `address:<ip>` for an anonymous one. */
    caller: text('caller').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    bodyHash: text('body_hash').notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotency_keys_expires_at_idx').on(t.expiresAt)],
);

/** One row /ready rewrites to prove that writes succeed (src/db/client.ts `probeWrite`). */
export const writeHeartbeat = pgTable('write_heartbeat', {
  id: smallint('id').primaryKey(),
  beatAt: timestamp('beat_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * The backup catalogue (src/services/backups/): every backup and verification, so every process
 * exports the same backup metrics. The sets in BACKUP_DIR are the truth for listing; a restored
 * database brings back the catalogue as it was when its backup was taken.
 */
export const backupRuns = pgTable(
  'backup_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The set's directory name in BACKUP_DIR. */
    backupId: text('backup_id').notNull(),
    operation: text('operation', { enum: ['backup', 'verify'] }).notNull(),
    kind: text('kind', { enum: ['full', 'incremental', 'pre_saturday_snapshot'] }).notNull(),
    mode: text('mode', { enum: ['embedded', 'server'] }).notNull(),
    ok: boolean('ok').notNull(),
    bytes: bigint('bytes', { mode: 'number' }),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('backup_runs_operation_finished_at_idx').on(t.operation, t.finishedAt.desc()),
    check('backup_runs_operation_check', sql`${t.operation} in ('backup', 'verify')`),
    check('backup_runs_kind_check', sql`${t.kind} in ('full', 'incremental', 'pre_saturday_snapshot')`),
  ],
);

/**
 * Outgoing webhooks (src/services/webhooks.ts): endpoints the product team registers. The signing
 * secret is sealed with the data key (`key_version`), shown once at creation or rotation.
 * `consecutive_failures` counts failed attempts since the last success; at WEBHOOK_DISABLE_AFTER_FAILURES
 * the endpoint is disabled (`disabled_reason` says why).
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  events: jsonb('events').$type<string[]>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  disabledReason: text('disabled_reason'),
  secret: text('secret').notNull(),
  keyVersion: integer('key_version').notNull(),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** One event for one endpoint: the exact body that is signed and sent, and where its delivery stands. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The Standard Webhooks `webhook-id`: the same on every attempt, so receivers can de-duplicate. */
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    state: text('state').$type<'pending' | 'delivered' | 'failed' | 'abandoned'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt.desc())],
);

/** The delivery log: every attempt with its answer (or error) and how long it took. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    attemptedAt: timestamp('attempted_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/**
 * Requests brought in from another tool: which row of which source became which request, so that
 * importing the same file again creates nothing new (src/services/request-transfer.ts).
 */
export const importedRequests = pgTable(
  'imported_requests',
  {
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => featureRequests.id, { onDelete: 'cascade' }),
    importedBy: uuid('imported_by').references(() => users.id, { onDelete: 'set null' }),
    importedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.source, t.externalId] }), index('imported_requests_request_idx').on(t.requestId)],
);
