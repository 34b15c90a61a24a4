// The server the security benchmark runs: exactly `node dist/main.js start` (migrate, demo data,
// serve, in-process worker), from source, with the security controls on — or with those named by
// `--off=encryption,audit,rateLimits` switched off in the service context it starts with
// (src/security/benchmark-controls.ts). This file is the only one that passes such controls, and
// they cannot be made with NODE_ENV=production.
import { runMain } from '../src/main.js';
import { switchedOffForBenchmark, type SecurityControls } from '../src/security/benchmark-controls.js';

const off =
  process.argv
    .find((arg) => arg.startsWith('--off='))
    ?.slice('--off='.length)
    .split(',')
    .filter(Boolean) ?? [];
await runMain(['start'], switchedOffForBenchmark(Object.fromEntries(off.map((control) => [control as keyof SecurityControls, false]))));
