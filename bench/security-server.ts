// The server the security benchmark runs: exactly `node dist/main.js start` (migrate, demo data,
// serve, in-process worker), from source, with the security controls on — or with those named by
// `--off=encryption,audit,rateLimits` switched off through src/security/benchmark-controls.ts. This
// file is the only caller of that switch, and the switch itself refuses NODE_ENV=production.
import { switchOffForBenchmark, type SecurityControls } from '../src/security/benchmark-controls.js';

const off =
  process.argv
    .find((arg) => arg.startsWith('--off='))
    ?.slice('--off='.length)
    .split(',')
    .filter(Boolean) ?? [];
switchOffForBenchmark(Object.fromEntries(off.map((control) => [control as keyof SecurityControls, false])));
// src/main.ts reads its verb from argv when imported.
process.argv.splice(2, process.argv.length, 'start');
await import('../src/main.js');
