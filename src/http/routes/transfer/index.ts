// Import and export of feature requests for the product team: a streamed CSV or JSON export (personal
// fields only with a justification) and a CSV import from another tool with a dry run.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { exportRequests, importRequests } from '../../../services/request-transfer.js';
import { BODY_LIMITS, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { ExportBody, ImportBody, ImportReport } from './schemas.js';

/** The product team's wildcard covers both; no customer role holds either. */
const EXPORTERS = { anyOf: ['feature_requests:export'] } as const;
const IMPORTERS = { anyOf: ['feature_requests:import'] } as const;

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

const transfer: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  // POST, not GET: the justification stays out of URLs, logs and browser history.
  app.post('/api/feature-requests/export', {
    config: { access: EXPORTERS },
    bodyLimit: BODY_LIMITS.text,
    schema: {
      tags: ['feature-requests'],
      summary: 'Download requests with their votes and comments (CSV or JSON); personal fields only with a justification, audited',
      body: ExportBody,
      response: responses({ 200: Type.Any({ description: 'The file, streamed' }) }),
    },
    handler: async (request, reply) => {
      const file = await exportRequests(services, call(request), request.body);
      const day = services.now().toISOString().slice(0, 10);
      return reply
        .type(CONTENT_TYPES[file.format])
        .header('content-disposition', `attachment; filename="feature-requests-${day}.${file.format}"`)
        .header('cache-control', 'no-store')
        .header('x-export-records', String(file.records))
        .send(Readable.from(file.chunks));
    },
  });

  app.post('/api/feature-requests/import', {
    config: { access: IMPORTERS },
    bodyLimit: BODY_LIMITS.requestImport,
    schema: {
      tags: ['feature-requests'],
      summary: "Import requests and votes from another tool's CSV; dryRun reports what would be created, skipped and refused",
      body: ImportBody,
      response: responses({ 200: ImportReport }),
    },
    handler: async (request) => importRequests(services, call(request), request.body),
  });
};

export default transfer;
