import { Type, type NumberOptions, type TSchema } from '@sinclair/typebox';
import { BOARD_SORTS } from '../../../domain/feature-requests.js';
import { IMPACT_SCALE, RICE_FACTORS } from '../../../domain/rice.js';
import { WEDDING_HORIZON_YEARS } from '../../../domain/wedding-context.js';
import { Author, DateTime, literals, Nullable, Status, Text, Urgency, UserRole, Uuid } from '../../schemas.js';

const Category = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'One of the configured categories' });

export const WeddingContext = Type.Object(
  {
    weddingDate: Type.String({
      format: 'date',
      description: `YYYY-MM-DD: on a new request, today or later (in the wedding's time zone) and at most ${WEDDING_HORIZON_YEARS} years ahead`,
    }),
    guestCount: Type.Integer({ minimum: 1, maximum: 5000 }),
    country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone used in the country (Europe/London for GB); UTC is accepted anywhere' }),
    venueAddress: Type.Optional(Text(1, 300)),
    coupleNames: Type.Optional(Text(1, 200)),
  },
  { additionalProperties: false },
);

/** Limits of the public summary: a sentence or two, short enough for a board card and a duplicate hint. */
export const SUMMARY_LIMITS = { min: 10, max: 280 } as const;

const requestFields = {
  title: Text(8, 120),
  summary: Text(SUMMARY_LIMITS.min, SUMMARY_LIMITS.max, {
    description: 'Public: everyone who sees the board reads it (the description and wedding context stay confidential)',
  }),
  description: Text(20, 5000),
  category: Category,
  urgency: Urgency,
  painPoints: Type.Array(Text(2, 200), { maxItems: 10 }),
  weddingContext: WeddingContext,
};

export const SubmitBody = Type.Object(
  {
    ...requestFields,
    summary: Type.Optional(requestFields.summary),
    painPoints: Type.Optional(requestFields.painPoints),
    weddingContext: Type.Optional(WeddingContext),
  },
  { additionalProperties: false },
);

export const UpdateBody = Type.Partial(Type.Object(requestFields, { additionalProperties: false }), { minProperties: 1 });

export const ListQuery = Type.Object({
  status: Type.Optional(Status),
  category: Type.Optional(Category),
  userType: Type.Optional(UserRole),
  sort: Type.Optional(literals(BOARD_SORTS, 'top: most weighted votes; new: newest; trending: votes with recency; rice: highest RICE score')),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Full-text search over what you may read: the title; the description and pain points too where you may read them',
    }),
  ),
  mine: Type.Optional(Type.Boolean({ description: 'Only requests you submitted' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

const RiceNumber = Nullable(Type.Number());
const RiceFactors = (description: string) =>
  Type.Object({ reach: RiceNumber, impact: RiceNumber, confidence: RiceNumber, effort: RiceNumber }, { description });

export const Rice = Type.Object(
  {
    score: Type.Number({ description: 'Reach × Impact × Confidence / Effort, from the effective factors' }),
    reach: RiceNumber,
    impact: RiceNumber,
    confidence: RiceNumber,
    effort: RiceNumber,
    predicted: RiceFactors('What the platform predicts from votes, voters, urgency, category and pain points'),
    overridden: Type.Array(literals(RICE_FACTORS), { description: 'Factors the product team set itself' }),
    computedAt: Nullable(DateTime),
  },
  { description: 'RICE prioritisation (effective factors: the override where set, the prediction otherwise)' },
);

export const BoardItem = Type.Object({
  id: Uuid,
  title: Type.String(),
  summary: Nullable(Type.String({ description: 'Public summary (null: none written yet)' })),
  category: Type.String(),
  status: Status,
  urgency: Urgency,
  userType: UserRole,
  voteCount: Type.Integer(),
  voteWeight: Type.Number(),
  commentCount: Type.Integer(),
  mergedIntoId: Nullable(Uuid),
  createdAt: DateTime,
  updatedAt: DateTime,
  rice: Rice,
  viewerHasVoted: Type.Optional(Type.Boolean({ description: 'Present when signed in' })),
});

const ExactWeddingContext = Type.Object(
  {
    weddingDate: Type.String(),
    guestCount: Type.Integer(),
    country: Type.String(),
    timeZone: Type.String(),
    venueAddress: Type.Optional(Type.String()),
    coupleNames: Type.Optional(Type.String()),
  },
  { description: 'For the couple who wrote it and the product team' },
);

const CoarseWeddingContext = Type.Object(
  {
    weddingMonth: Nullable(Type.String({ description: 'YYYY-MM' })),
    weddingSize: literals(['intimate', 'medium', 'large', 'grand', 'unknown'] as const, 'Guest band: under 50, under 150, under 300, more'),
    country: Nullable(Type.String()),
    region: Type.String(),
  },
  { description: 'For suppliers and the AI account: no date finer than the month, no venue, no names, no exact guest count' },
);

const StatusChange = Type.Object({ fromStatus: Nullable(Status), toStatus: Status, justification: Type.String(), createdAt: DateTime });

export const FeatureRequest = Type.Composite([
  BoardItem,
  Type.Object({
    access: literals(['public', 'content', 'full'] as const, 'How much of the record you may read'),
    viewerFollows: Type.Optional(Type.Boolean({ description: 'Present when signed in: whether you are told of its status changes, merges and comments' })),
    statusHistory: Type.Array(StatusChange),
    description: Type.Optional(Type.String()),
    painPoints: Type.Optional(Type.Array(Type.String())),
    weddingContext: Type.Optional(Nullable(Type.Union([ExactWeddingContext, CoarseWeddingContext]))),
    author: Type.Optional(Nullable(Author)),
    allowedTransitions: Type.Optional(Type.Array(Status)),
  }),
]);

export const FollowReply = Type.Object({ requestId: Uuid, following: Type.Boolean() });

export const StatusBody = Type.Object(
  {
    status: Status,
    justification: Text(10, 2000, { description: 'Why: shown on the request and kept in its history' }),
  },
  { additionalProperties: false },
);

export const VoteHeaders = Type.Object({
  'x-device-id': Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]{8,128}$',
      description: 'A random id the client keeps for this device; vote-manipulation checks compare it (hashed) across accounts',
    }),
  ),
});

export const VoteReply = Type.Object({
  requestId: Uuid,
  voted: Type.Boolean(),
  weight: Type.Number({ description: 'Weight your vote counts with now (suppliers count more; 0 while held for review)' }),
  voteCount: Type.Integer(),
  voteWeight: Type.Number(),
  review: Nullable(
    Type.Object(
      {
        state: literals(['held', 'down_weighted'] as const, 'held: not counted until reviewed; down_weighted: counted at a reduced weight until reviewed'),
        message: Type.String({ description: 'What this means, for the voter' }),
      },
      { description: 'Present when the vote does not count in full until the product team has reviewed it' },
    ),
  ),
});

export const CommentBody = Type.Object({ content: Text(2, 5000) }, { additionalProperties: false });
export const Comment = Type.Object({
  id: Uuid,
  requestId: Uuid,
  content: Type.String({ description: 'Markdown; empty once deleted by its author' }),
  expertAdvice: Type.Boolean({ description: 'Written by a verified wedding supplier' }),
  author: Nullable(Author),
  createdAt: DateTime,
  editedAt: Nullable(DateTime),
  deleted: Type.Boolean({ description: 'Deleted by its author: shown as a placeholder' }),
  editableUntil: Nullable(DateTime),
  hidden: Type.Optional(
    Nullable(
      Type.Object(
        { reason: Type.String(), hiddenAt: DateTime, hiddenBy: Nullable(Author) },
        { description: 'Hidden by the product team (shown to the product team only; members do not receive hidden comments)' },
      ),
    ),
  ),
});
export const CommentParams = Type.Object({ id: Uuid, commentId: Uuid });
export const HideCommentBody = Type.Object(
  { reason: Text(5, 500, { description: 'Why: kept with the comment and in the audit log' }) },
  { additionalProperties: false },
);

const DiffPart = Type.Object({ kind: literals(['same', 'added', 'removed'] as const), text: Type.String() });
export const Revisions = Type.Object({
  items: Type.Array(
    Type.Object({
      revision: Type.Integer({ description: '1: as submitted' }),
      title: Type.String(),
      summary: Nullable(Type.String()),
      description: Type.String(),
      editedBy: Nullable(Author),
      createdAt: DateTime,
      changes: Type.Array(Type.Object({ field: literals(['title', 'summary', 'description'] as const), parts: Type.Array(DiffPart) }), {
        description: 'Word diff against the revision before (empty for revision 1)',
      }),
    }),
    { description: 'Newest first' },
  ),
});
export const CommentsQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const MergeBody = Type.Object(
  {
    targetId: Type.String({ format: 'uuid', description: 'The request this one duplicates: it receives the votes and comments' }),
    justification: Type.Optional(Text(10, 2000, { description: "Why: shown in both requests' history" })),
  },
  { additionalProperties: false },
);
export const UnmergeBody = Type.Object({ justification: Type.Optional(Text(10, 2000)) }, { additionalProperties: false });

const MergedPair = { mergeId: Uuid, targetId: Uuid, duplicate: FeatureRequest, target: FeatureRequest };
export const MergeReply = Type.Object({
  ...MergedPair,
  movedVotes: Type.Integer({ description: 'Votes taken from the duplicate (one per person on the target; the higher weight won)' }),
  movedComments: Type.Integer(),
});
export const UnmergeReply = Type.Object({
  ...MergedPair,
  restoredVotes: Type.Integer({ description: 'Votes back on the duplicate' }),
  restoredTargetVotes: Type.Integer({ description: 'Target votes put back as they were before the merge' }),
  restoredComments: Type.Integer(),
});

/**
 * A number or null in a request body, as ONE schema with `type: [number, null]`: the app's Ajv
 * coerces types, and a union would turn null into 0 (number branch) or 0 into null (null branch).
 */
const numberOrNull = (options: NumberOptions, type: 'number' | 'integer' = 'number') =>
  Type.Optional(Type.Unsafe<number | null>({ ...Type.Number(options), type: [type, 'null'] }));
// Ranges a person means, which also keep the stored score (reach × impact × confidence ÷ effort, a
// float8 generated column) within float8: PostgreSQL refuses a product that underflows to 0 or a
// quotient that overflows, so 5e-324 people or an effort of 1e-300 months were a 500. Whole people;
// confidence and effort from 0.01. (No anyOf for "0 or ≥ 0.01": Ajv's type coercion inside anyOf
// turns a 0 into null.)
const REACH = { minimum: 0, maximum: 1e9 };
const IMPACT = { minimum: IMPACT_SCALE[0], maximum: IMPACT_SCALE[IMPACT_SCALE.length - 1] };
const CONFIDENCE = { minimum: 0.01, maximum: 1 };
const EFFORT = { minimum: 0.01, maximum: 1200 };

export const RiceOverrideBody = Type.Object(
  {
    reach: numberOrNull({ ...REACH, description: 'People reached in the quarter after shipping' }, 'integer'),
    impact: numberOrNull({ ...IMPACT, description: '0.25 minimal … 3 massive' }),
    confidence: numberOrNull({ ...CONFIDENCE, description: '0.01–1' }),
    effort: numberOrNull({ ...EFFORT, description: 'Person-months' }),
  },
  { additionalProperties: false, minProperties: 1, description: 'A number sets the override, null clears it' },
);

const OutcomeFactors = <T extends TSchema>(value: T) => Type.Object({ reach: value, impact: value, effort: value });
export const OutcomeBody = Type.Object(
  {
    actualReach: numberOrNull({ ...REACH, description: 'People who used it in its first quarter' }, 'integer'),
    actualImpact: numberOrNull({ ...IMPACT, description: 'Impact it turned out to have, same scale' }),
    actualEffort: numberOrNull({ ...EFFORT, description: 'Person-months spent' }),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const Outcome = Type.Object({
  requestId: Uuid,
  predicted: OutcomeFactors(Type.Number()),
  actual: OutcomeFactors(Nullable(Type.Number())),
  accuracy: Nullable(Type.Number({ description: '0–1: how close the predictions came, over the factors recorded' })),
  recordedAt: DateTime,
});
