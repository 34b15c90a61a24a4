// Response shapes of the AI insights routes.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable, Status, Uuid } from '../../schemas.js';

const Counts = (description: string) => Type.Record(Type.String(), Type.Integer(), { description });

const ThemeExample = Type.Object({
  id: Uuid,
  title: Type.String(),
  status: Status,
  votes: Type.Integer(),
  voteWeight: Type.Number(),
});

const PainPointTheme = Type.Object({
  label: Type.String({ description: 'Its most distinctive title words' }),
  terms: Type.Array(Type.String(), { description: 'Most distinctive first' }),
  requests: Type.Integer(),
  voteWeight: Type.Number({ description: 'Total weighted votes of its requests' }),
  voters: Type.Integer({ description: 'People who voted for any of its requests' }),
  cohesion: Type.Number({ minimum: -1, maximum: 1, description: 'Mean cosine of its requests to its centre: how alike they are' }),
  categories: Counts('Requests per category'),
  userTypes: Counts('Requests per author role at submission'),
  urgency: Counts('Requests per urgency'),
  growth: Type.Object(
    { last30Days: Type.Integer(), previous30Days: Type.Integer() },
    { description: 'Requests created in the 30 days before the snapshot, and in the 30 days before those' },
  ),
  examples: Type.Array(ThemeExample, { description: 'Up to five of its requests, most-voted first, as they are now' }),
});

export const PainPointsReply = Type.Object({
  available: Type.Boolean({ description: 'Whether the AI model can run here (false with AI_ENABLED=false or after a failed load)' }),
  runQueued: Type.Boolean({ description: 'A run is due or under way: a newer snapshot is coming' }),
  snapshot: Nullable(
    Type.Object({
      id: Uuid,
      generatedAt: DateTime,
      modelVersion: Type.String(),
      algorithm: Type.String(),
      requestsConsidered: Type.Integer({ description: 'Unresolved requests AI may analyse with an embedding, most-voted first, up to requestCap' }),
      requestsThemed: Type.Integer(),
      requestCap: Type.Integer(),
      durationMs: Type.Integer(),
      themes: Type.Array(PainPointTheme, { description: 'Most weighted votes first' }),
    }),
  ),
});

export const RefreshReply = Type.Object({
  jobId: Uuid,
  queued: Type.Boolean({ description: 'False when a run was already waiting (it is brought forward instead)' }),
});
