// Mutation testing (`npm run mutate`, not part of `npm test`): StrykerJS 9 with its TAP runner over
// node's own test runner. Each test file is one Stryker "test"; with perTest coverage analysis a
// mutant runs only the test files that reached its code during the dry run, which keeps it tractable.
//
// Scope: MUTATE (comma-separated globs) overrides what is mutated, MUTATE_TESTS the test files
// run, e.g. MUTATE=src/domain/payment-retry.ts MUTATE_TESTS=src/domain/payment-retry.test.ts.
// Commas inside {a,b} belong to the glob.
const list = (value, fallback) => (value ? value.split(/,(?![^{]*})/).map((s) => s.trim()).filter(Boolean) : fallback)

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner', ...(process.env.MUTATE_SAMPLE_FILE ? ['./scripts/mutate-sample.mjs'] : [])],
  // `npm run mutate -- --sample N`: only the sampled mutants run (scripts/mutate-sample.mjs).
  ignorers: process.env.MUTATE_SAMPLE_FILE ? ['sample'] : [],
  testRunner: 'tap',
  // Transpiles the instrumented sandbox to .mjs files beside their sources (scripts/mutate-build.mjs),
  // so each test file starts under plain Node rather than tsx's loader hooks: ~1.5 s less per
  // test file run, and each mutant runs one or more of them.
  buildCommand: 'node scripts/mutate-build.mjs',
  tap: {
    testFiles: list(process.env.MUTATE_TESTS, [
      'src/domain/**/*.test.ts',
      'src/services/billing/**/*.test.ts',
      'test/billing/*.test.ts',
      'test/api/billing-*.test.ts',
    ]).map((file) => file.replace(/\.ts$/, '.mjs')),
    // The file is run directly (not under `--test`, which would start it in a child process the
    // coverage hook does not reach); node:test then prints TAP to the pipe.
    nodeArgs: ['-r', '{{hookFile}}', '-r', './scripts/mutate-watchdog.cjs', '--test-reporter=tap', '{{testFile}}'],
    forceBail: true,
  },
  mutate: list(process.env.MUTATE, [
    'src/domain/**/*.ts',
    'src/services/billing/**/*.ts',
    '!**/*.test.ts',
  ]),
  coverageAnalysis: 'perTest',
  // Only what the tests need is copied into Stryker's sandbox (node_modules is linked).
  ignorePatterns: ['/data', '/dist', '/docs', '/bench', '/test-results', '/reports', '/.tmp', '/web/dist'],
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 60_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
}
