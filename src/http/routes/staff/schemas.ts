// Request and response shapes of the product team's staff routes (supplier verification).
import { Type } from '@sinclair/typebox';
import { BusinessSize, DateTime, literals, Nullable, SupplierType, Text, Uuid } from '../../schemas.js';

const Decision = literals(['approved', 'rejected'] as const);

export const SupplierQueueQuery = Type.Object({
  state: Type.Optional(literals(['pending', 'approved', 'rejected'] as const, 'pending (default): waiting for a decision')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const SupplierForVerification = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  businessName: Nullable(Type.String()),
  supplierType: Nullable(SupplierType),
  businessSize: Nullable(BusinessSize),
  country: Nullable(Type.String()),
  region: Type.String(),
  verified: Type.Boolean(),
  createdAt: DateTime,
  requests: Type.Integer({ description: 'Requests they submitted' }),
  votes: Type.Integer({ description: 'Votes they cast' }),
  lastDecision: Nullable(Type.Object({ decision: Decision, reason: Type.String(), decidedAt: DateTime })),
});

export const VerificationBody = Type.Object(
  { decision: Decision, reason: Text(3, 1000, { description: 'Why: recorded in the audit trail and shown to the supplier' }) },
  { additionalProperties: false },
);

export const VerificationOutcome = Type.Object({ supplierId: Uuid, decision: Decision, reason: Type.String(), decidedAt: DateTime, verified: Type.Boolean() });
