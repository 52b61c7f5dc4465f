// `npm run mutate`: runs StrykerJS (stryker.config.mjs), then lists the surviving mutants and ends
// with one line: mutation_score=… killed=… survived=… timeout=… (survived counts mutants no test
// reached as well: nothing kills them either). Extra arguments go to `stryker run`, except
// `--sample N [--seed S]`: test a seeded uniform random sample of N of MUTATE's mutants (see
// scripts/mutate-sample.mjs); the score is then the sample's, with its 95 % interval.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
process.env.TZ ??= 'UTC'
process.env.NODE_ENV ??= 'test'

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i < 0 ? undefined : Number(args.splice(i, 2)[1])
}
const sampleSize = option('--sample')
const seed = option('--seed') ?? 1
// `--sample-file F`: run the mutants of a sample drawn before (e.g. its survivors again, after new tests).
const sampleFileAt = args.indexOf('--sample-file')
const sampleFile = sampleFileAt < 0 ? undefined : resolve(process.env.INIT_CWD ?? root, args.splice(sampleFileAt, 2)[1])
let sampled = null
if (sampleSize !== undefined || sampleFile) {
  const { drawSample, mutantKey, sampleRanges } = await import('./mutate-sample.mjs')
  let file = sampleFile
  if (!file) {
    if (!(sampleSize > 0)) throw new Error('--sample needs a number of mutants, e.g. --sample 200')
    const { glob } = await import('glob')
    const patterns = (await import('../stryker.config.mjs')).default.mutate
    const files = (await glob(patterns.filter((p) => !p.startsWith('!')), { ignore: patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)) })).sort()
    file = join(root, 'reports/mutation/sample.json')
    await drawSample(files, sampleSize, seed, file)
  }
  const drawn = JSON.parse(readFileSync(file, 'utf8'))
  process.env.MUTATE = sampleRanges(drawn.mutants).join(',')
  process.env.MUTATE_SAMPLE_FILE = file
  sampled = { keys: new Set(drawn.mutants.map((m) => mutantKey(m.fileName, m))), population: drawn.population, key: mutantKey }
  console.log(`Sample: ${drawn.mutants.length} of ${drawn.population} mutants (seed ${drawn.seed}, ${file}).`)
}

const run = spawnSync(join(root, 'node_modules/.bin/stryker'), ['run', ...args], { stdio: 'inherit' })
if (run.status !== 0) process.exit(run.status ?? 1)

const report = JSON.parse(readFileSync(join(root, 'reports/mutation/mutation.json'), 'utf8'))
const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, Ignored: 0 }
const surviving = []
const ignored = []
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const lines = source.split('\n')
  for (const m of mutants) {
    // The report's lines and columns are 1-based; the sample's (Stryker's API) 0-based lines.
    const { line, column } = m.location.start
    if (sampled) {
      const api = { ...m, location: { start: { line: line - 1, column: column - 1 }, end: { line: m.location.end.line - 1, column: m.location.end.column - 1 } } }
      if (!sampled.keys.has(sampled.key(file, api))) continue
    }
    if (m.status in count) count[m.status]++
    const code = lines[line - 1].trim().slice(0, 100)
    const where = `${file}:${line}:${column} ${m.mutatorName}`
    if (m.status === 'Survived' || m.status === 'NoCoverage')
      surviving.push(`${where}${m.status === 'NoCoverage' ? ' (no test reaches it)' : ''}${m.replacement ? ` → ${m.replacement.slice(0, 60)}` : ''}  | ${code}`)
    if (m.status === 'Ignored') ignored.push(`${where} (${m.statusReason})  | ${code}`)
  }
}
console.log(`\nSurviving mutants (${surviving.length}):`)
for (const s of surviving) console.log(`  ${s}`)
if (ignored.length) {
  console.log(`\nIgnored mutants (${ignored.length}; not in the score):`)
  for (const s of ignored) console.log(`  ${s}`)
}
const killed = count.Killed, timeout = count.Timeout, survived = count.Survived + count.NoCoverage
const detected = killed + timeout
const n = detected + survived
const score = n ? ((100 * detected) / n).toFixed(2) : 'n/a'
if (n === 0) {
  console.error('No mutant was tested: check MUTATE (what to mutate).')
  process.exitCode = 1
}
let extra = ''
if (sampled && n) {
  // Wilson score interval, 95 %: the sample's score generalised to the whole population.
  const p = detected / n, z = 1.96
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n)
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  extra = ` sampled=${n} population=${sampled.population} interval95=${(100 * (mid - half)).toFixed(1)}-${(100 * (mid + half)).toFixed(1)} ignored=${count.Ignored}`
}
console.log(`mutation_score=${score} killed=${killed} survived=${survived} timeout=${timeout}${extra}`)
