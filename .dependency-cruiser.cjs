/**
 * The import boundaries of the code (`npm run lint` checks them):
 * - domain code is pure: it imports only domain code and pure libraries;
 * - services decide, adapters do I/O: a service imports adapters' types, never their values;
 * - pages and HTTP routes never reach into the database;
 * - no import cycles; shipped code never imports test code.
 *
 * A feature folder (`src/<feature>/`, e.g. src/outbound) may hold its own layers, and the
 * same rules apply to them by name: `src/<feature>/domain/` is domain, files under
 * `src/<feature>/adapters/` are adapters, `src/<feature>/services/` and `*-service.ts`
 * files are services; its `*-module.ts` factory wires adapters to services and is free
 * to import both.
 */
const DOMAIN = '^src/(domain|[^/]+/domain)/';
const ADAPTERS = '^src/(adapters|[^/]+/adapters)/';
const DB = '^src/(adapters/db|[^/]+/adapters/db)/';
const SERVICES = '^src/(services/|[^/]+/services/|[^/]+/[^/]+-service\\.ts$)';
const HTTP = '^src/(web|adapters/http|[^/]+/adapters/http)/';
/** Packages that talk to the outside: no domain or service code imports their values. */
const IO_PACKAGES = 'node_modules/(ari-client|asterisk-manager|bullmq|ioredis|drizzle-orm|pg|@electric-sql|fastify|@fastify|pino)/';
const TESTS = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes load order matter and the two modules one; extract what both need. ' +
        "Tables that reference each other (calls.case_id, cases.call_id) are the exception: drizzle's " +
        'references(() => table.id) is lazy for exactly this.',
      from: { pathNot: '^src/adapters/db/schema/' },
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment: 'Domain code is pure TypeScript: no adapters, services, config or app wiring.',
      from: { path: DOMAIN },
      to: { path: '^src/', pathNot: DOMAIN },
    },
    {
      name: 'domain-does-no-io',
      severity: 'error',
      comment: 'Domain code never reaches I/O: no node built-ins (tests beside it may read fixtures) and no I/O packages.',
      from: { path: DOMAIN, pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-uses-no-io-package',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: IO_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'services-import-no-adapter-values',
      severity: 'error',
      comment: 'A service takes its adapters as injected ports: it may name their types, never import their code.',
      from: { path: SERVICES },
      to: { path: ADAPTERS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'services-know-no-http',
      severity: 'error',
      comment: 'The contracts a service offers live in its ports file; the HTTP layer imports them, not the other way round.',
      from: { path: SERVICES },
      to: { path: HTTP },
    },
    {
      name: 'services-use-no-io-package',
      severity: 'error',
      from: { path: SERVICES },
      to: { path: IO_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-never-touches-db',
      severity: 'error',
      comment: 'Pages and HTTP routes go through services and repo ports handed in as dependencies, never the database code.',
      from: { path: HTTP },
      to: { path: [DB, 'node_modules/(drizzle-orm|pg|@electric-sql)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shipped-code-imports-no-tests',
      severity: 'error',
      comment: 'test/ is not built into dist/: code that ships must not need it.',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: ['^test/', TESTS] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
