import { Type } from '@sinclair/typebox';
import { MANIPULATION_REASONS, REASON_INDICATORS, VOTE_STATES } from '../../../domain/vote-manipulation.js';
import { REVIEW_FILTERS } from '../../../services/vote-reviews.js';
import { DateTime, literals, Nullable, Status, UserRole, Uuid } from '../../schemas.js';

export const ReviewQuery = Type.Object({
  state: Type.Optional(literals(REVIEW_FILTERS, 'Default: held and down_weighted (awaiting a decision); released: accepted by a reviewer')),
  requestId: Type.Optional(Uuid),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

const Signals = Type.Object(
  {
    recentVotes: Type.Integer({ description: 'Votes on the request in the burst window, this one included' }),
    newAccountVotes: Type.Integer({ description: 'Votes by new accounts in the cluster window (0: this voter is not new)' }),
    networkAccounts: Type.Integer({ description: 'Accounts that voted for the request from this network in the window (0: network unknown)' }),
    deviceAccounts: Type.Integer({ description: 'Accounts that voted for the request from this device in the window (0: device unknown)' }),
  },
  { description: 'The counts the rules saw when the vote was cast' },
);

export const VoteReview = Type.Object({
  requestId: Uuid,
  request: Type.Object({ title: Type.String(), status: Status }),
  voter: Type.Object({
    id: Uuid,
    displayName: Type.String(),
    role: UserRole,
    verified: Type.Boolean(),
    accountAgeDays: Type.Integer({ description: 'Age of the account when it voted' }),
  }),
  state: literals(VOTE_STATES),
  weight: Type.Number({ description: 'What the vote counts with now (0 when held or rejected)' }),
  castWeight: Type.Number({ description: "What it counts with once released: the voter's role weight" }),
  reasons: Type.Array(
    Type.Object({
      code: literals(MANIPULATION_REASONS),
      indicator: literals([...new Set(Object.values(REASON_INDICATORS))] as const, "The brief's threat indicator"),
      explanation: Type.String(),
    }),
  ),
  signals: Nullable(Signals),
  networkTag: Nullable(Type.String({ description: 'Short tag of the keyed network hash: equal tags, same network. Never an address.' })),
  deviceTag: Nullable(Type.String({ description: 'Short tag of the keyed device hash: equal tags, same device.' })),
  votedAt: DateTime,
  decision: Nullable(
    Type.Object({
      by: Nullable(Type.Object({ id: Uuid, displayName: Type.String() })),
      at: DateTime,
      justification: Type.String(),
    }),
  ),
});

const VoteKey = Type.Object({ requestId: Uuid, voterId: Uuid }, { additionalProperties: false });
export const DecisionBody = Type.Object(
  {
    votes: Type.Array(VoteKey, { minItems: 1, maxItems: 100, uniqueItems: true }),
    justification: Type.String({ minLength: 10, maxLength: 2000, description: 'Why: kept with each vote and in the audit trail' }),
  },
  { additionalProperties: false },
);

export const DecisionReply = Type.Object({
  decided: Type.Integer(),
  state: literals(VOTE_STATES),
  requests: Type.Array(Type.Object({ requestId: Uuid, voteCount: Type.Integer(), voteWeight: Type.Number() }), {
    description: 'The counters after the decision',
  }),
});
