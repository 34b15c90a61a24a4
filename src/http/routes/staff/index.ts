// The product team's staff screens that had no API of their own: the supplier verification queue
// (until now only the `verify-supplier` operator verb, whose change an embedded server did not see).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { decideSupplierVerification, supplierQueue } from '../../../services/supplier-verification.js';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { SupplierForVerification, SupplierQueueQuery, VerificationBody, VerificationOutcome } from './schemas.js';

/** The product team's wildcard covers it; no customer role holds it. */
export const VERIFIERS = { anyOf: ['feature_requests:verify_suppliers'] } as const;

const staff: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/staff/suppliers', {
    config: { access: VERIFIERS },
    schema: {
      tags: ['staff'],
      summary: 'Wedding suppliers by verification state, with business details and activity (no contact details)',
      querystring: SupplierQueueQuery,
      response: responses({ 200: Type.Object({ items: Type.Array(SupplierForVerification) }) }),
    },
    handler: async (request) => supplierQueue(services, request.query.state ?? 'pending', request.query.limit ?? 50),
  });

  app.post('/api/staff/suppliers/:id/verification', {
    config: { access: VERIFIERS },
    schema: {
      tags: ['staff'],
      summary: 'Approve or reject a supplier with a reason: audited, and the supplier is told in-app and by email',
      params: IdParams,
      body: VerificationBody,
      response: responses({ 200: VerificationOutcome }),
    },
    handler: async (request) => decideSupplierVerification(services, call(request), request.params.id, request.body),
  });
};

export default staff;
