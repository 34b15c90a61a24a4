// The server the security benchmark runs: exactly `node dist/main.js start` (migrate, demo data,
// serve, in-process worker), from source, with the security controls on — or, given
// `--controls=off`, with field encryption, the audit trail and rate limiting switched off through
// src/security/benchmark-controls.ts. This file is the only caller of that switch, and the switch
// itself refuses NODE_ENV=production.
import { switchOffForBenchmark } from '../src/security/benchmark-controls.js';

if (process.argv.includes('--controls=off')) switchOffForBenchmark({ encryption: false, audit: false, rateLimits: false });
// src/main.ts reads its verb from argv when imported.
process.argv.splice(2, process.argv.length, 'start');
await import('../src/main.js');
