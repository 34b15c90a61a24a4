// pino JSON lines. Request lines carry `requestId` (Fastify adds it); secrets and personal data are
// kept out: credentials are redacted, URLs are logged without their query string, where search
// text and other personal input would otherwise end up, and a failed statement without its values.
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config.js';
import { withoutStatementValues } from '../db/faults.js';

export function loggerOptions(level: Config['logLevel']): LoggerOptions {
  return {
    level,
    base: { service: 'wedsync-feature-requests' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.email'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error) => pino.stdSerializers.err(withoutStatementValues(err)),
    },
  };
}

/**
 * Asynchronous stdout: lines written while a write is in flight go out together, so a busy server
 * spends one system call on many request lines instead of one each. Flushed on shutdown.
 */
export function createLogger(level: Config['logLevel']): Logger {
  return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false }));
}
