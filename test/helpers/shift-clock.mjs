// Runs a test file with the wall clock moved to SHIFT_CLOCK_TO (an ISO instant; it then ticks
// on from there), to check that no test depends on the time of day it runs at, e.g. the UTC
// evening when New York (the tests' company zone) is still on the previous date:
//   SHIFT_CLOCK_TO=2026-12-02T02:30:00Z node --import ./test/helpers/shift-clock.mjs --import tsx --test test/api/metrics.test.ts
// Only this process's Date moves (not PostgreSQL's now(), not a browser's clock).
const target = process.env.SHIFT_CLOCK_TO
if (target) {
  const offset = Date.parse(target) - Date.now()
  if (Number.isNaN(offset)) throw new Error(`SHIFT_CLOCK_TO is not an ISO instant: ${target}`)
  const RealDate = Date
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...args)
    }
    static now() {
      return RealDate.now() + offset
    }
  }
}
