// Layer rules for src/ and web/ (docs/architecture.md#layers). Imports point down only:
//
//   main.ts, wal-command.ts, operator/, drills/   composition root and operator tooling
//   http/, jobs/                                  adapters: HTTP requests and queued jobs → use cases
//   services/                                     use cases: transaction + audit + job enqueue
//   queue/, ai/, security/, ops/                  job contracts, AI, crypto & keyring, metrics & logger
//   db/                                           schema, migrations, connections
//   domain/                                       pure rules (imports only domain/)
//   demo/                                         seed data, used by main.ts / operator verbs only
//   web/                                          the browser app: of src/ only the pure domain/
//
// config.ts (the typed configuration) may be read by every layer above domain/.
// `npm run lint` runs `depcruise src web/src`; a rule broken in code that has not moved yet is listed,
// with its reason, in .dependency-cruiser-known-violations.json, and anything new fails the lint.

/** Node built-ins that do I/O: pure layers must not import them. node:crypto (hashing) is computation. */
const ioBuiltins =
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|dns/promises|child_process|cluster|worker_threads|os|readline|repl|stream|stream/promises|timers/promises|inspector|v8|vm|module|process)$';

const composition = '^src/(main|wal-command)\\.ts$|^src/(operator|drills)/';
const adapters = '^src/(http|jobs)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules: it imports only domain/, npm libraries without I/O and node:crypto.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'pure-layers-do-no-io',
      comment: 'domain/ and ai/ compute; files, sockets, processes and threads belong to the layers above.',
      severity: 'error',
      from: { path: '^src/(domain|ai)/' },
      to: { dependencyTypes: ['core'], path: ioBuiltins },
    },
    {
      name: 'ai-below-services',
      comment: 'ai/ is a library for the use cases: it must not reach the database, the use cases or adapters.',
      severity: 'error',
      from: { path: '^src/ai/' },
      to: { path: '^src/(db|services|security|queue|ops|http|jobs|operator|drills|demo|main\\.ts|wal-command\\.ts)' },
    },
    {
      name: 'db-below-everything-but-domain',
      comment: 'db/ (schema, connections) may use the domain and the config, nothing above it.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(ai|services|security|queue|ops|http|jobs|operator|drills|demo)/|^src/(main|wal-command)\\.ts$' },
    },
    {
      name: 'infrastructure-below-services',
      comment: 'queue/, ai/, security/ and ops/ serve the use cases; they must not call them or the adapters.',
      severity: 'error',
      from: { path: '^src/(queue|security|ops)/' },
      to: { path: '^src/(services|http|jobs|operator|drills|demo)/|^src/(main|wal-command)\\.ts$' },
    },
    {
      name: 'services-below-adapters',
      comment: 'Use cases do not know how they are called: no http/, jobs/ (handlers, worker) or start-up.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(http|jobs|operator|drills|demo)/|^src/(main|wal-command)\\.ts$' },
    },
    {
      name: 'adapters-below-composition',
      comment: 'http/ and jobs/ are built by the composition root and never import it.',
      severity: 'error',
      from: { path: adapters },
      to: { path: composition },
    },
    {
      name: 'http-and-jobs-apart',
      comment: 'Routes enqueue jobs through the queue contracts, never through handler modules; handlers never use routes.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'jobs-not-http',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'demo-only-from-start-up',
      comment: 'Demo data is loaded by start-up and operator verbs only, never by product code paths.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/demo/', composition] },
      to: { path: '^src/demo/' },
    },
    {
      name: 'web-not-server',
      comment:
        'The browser bundle talks to the server over HTTP; of src/ it may import only the pure domain rules (permissions, workflow, RICE scales), so both sides decide alike.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make layers meaningless and start-up order fragile (type-only imports vanish at run time).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Server code runs with production dependencies only (npm ci --omit=dev in the image).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/drills/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^web/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
