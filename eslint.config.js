// ESLint flat config: typescript-eslint's strict type-checked rules on the server, tests, benchmarks
// and the web app; React's hook rules on web/. Formatting is Prettier's job (eslint-config-prettier
// switches off every rule that would fight it) and layering is dependency-cruiser's
// (.dependency-cruiser.cjs); `npm run lint` runs all three. Each rule set off or tuned below says why.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'web/dist/', 'coverage/', 'node_modules/', 'data/', 'tmp/', 'bench/reports/', 'drill-reports/'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One program per tsconfig, the same ones `npm run typecheck` checks.
        project: ['./tsconfig.test.json', './web/tsconfig.json', './web/tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // noUncheckedIndexedAccess types every indexed read as possibly undefined; `!` after a length or
      // key check is this codebase's way of saying "checked above", so the rule would only add noise.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans read fine in messages and SQL identifiers; objects and nullish values do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `() => doSomething()` as a callback is the house idiom; a block body would only add braces.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Fastify plugins and route modules are `async` by contract (an async plugin needs no `done`
      // callback), and interface implementations keep `async` so a throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a deliberately unused binding; rest siblings omit fields from a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `let metrics; open(…, () => metrics?.observe()); metrics = create()`: a closure needs the
      // binding before its value exists.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Removing headers and environment variables by name is what those functions are for.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // A type parameter used once lets a caller name the type it expects (jsonOverride<RateLimitsOverride>(…)).
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      // `.catch((err) => …)` callbacks here log or wrap the error and never read a property unchecked;
      // try/catch variables are already `unknown` (useUnknownInCatchVariables under strict).
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      // SQL aggregates are typed `number` (sql<number>) but the drivers return bigint and numeric as
      // strings: Number() there is the conversion, not a no-op.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // api<void>(…) names a reply without a body.
      '@typescript-eslint/no-invalid-void-type': 'off',
    },
  },
  {
    // Tests read replies through `inject().json()` and `fetch().json()`, which are `any` by design;
    // typing every reply in every test would double the tests without catching more bugs, and the
    // shapes themselves are asserted. Tests also check "impossible" states on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `res.json() as Shape` is how a test says which reply it expects.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Child-process output is collected with `output += chunk`, whatever the chunk's declared type.
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },
  {
    // The drill setups hand out their start/stop methods as callbacks; they are arrow functions or
    // closures that never use `this`, which the rule cannot see through the interfaces.
    files: ['src/drills/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // These two come from the React Compiler's analysis; the UI is not compiled with it, and the
      // flagged patterns are deliberate: a loading flag set when an effect starts a fetch, and refs
      // read during render for values that must not trigger a render (the place pickers' lists).
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      // `onClick={async () => …}`: React ignores what a handler returns, so a promise handed to a JSX
      // attribute is harmless; floating promises elsewhere are still caught by no-floating-promises.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // Replies are typed by their API shapes but come over the network from a server that may be
      // newer (a status this bundle does not know yet): the `?? fallback`s for them are deliberate.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // Plain JavaScript build scripts and the drizzle-kit config are outside every tsconfig.
    files: ['**/*.{js,mjs,cjs}', 'drizzle.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
