// Preloaded into every test file a mutation run starts (stryker.config.mjs): a mutant that makes a
// test wait forever (a lease never released, a promise never settled) would otherwise hold its test
// runner until Stryker's own timeout, the covering files' whole time times two plus 30 s. After
// MUTATE_FILE_TIMEOUT_MS (default 25 s; the slowest billing test file takes ~9 s) the file reports
// a failing TAP test and exits: the mutant is detected, as Stryker counts a timeout.
const limit = Number(process.env.MUTATE_FILE_TIMEOUT_MS ?? 25_000)
setTimeout(() => {
  process.stdout.write(`not ok 9999 - mutate-watchdog: the test file was still running after ${limit} ms\n`)
  process.exit(1)
}, limit).unref()
