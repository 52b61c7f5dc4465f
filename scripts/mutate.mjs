// `npm run mutate`: runs StrykerJS (stryker.config.mjs), then lists the surviving mutants and ends
// with one line: mutation_score=… killed=… survived=… timeout=… (survived counts mutants no test
// reached as well: nothing kills them either). Extra arguments go to `stryker run`.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
process.env.TZ ??= 'UTC'
process.env.NODE_ENV ??= 'test'
const run = spawnSync(join(root, 'node_modules/.bin/stryker'), ['run', ...process.argv.slice(2)], { stdio: 'inherit' })
if (run.status !== 0) process.exit(run.status ?? 1)

const report = JSON.parse(readFileSync(join(root, 'reports/mutation/mutation.json'), 'utf8'))
const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 }
const surviving = []
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const lines = source.split('\n')
  for (const m of mutants) {
    if (m.status in count) count[m.status]++
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      const { line, column } = m.location.start
      const code = lines[line - 1].trim().slice(0, 100)
      surviving.push(`${file}:${line}:${column} ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no test reaches it)' : ''}${m.replacement ? ` → ${m.replacement.slice(0, 60)}` : ''}  | ${code}`)
    }
  }
}
console.log(`\nSurviving mutants (${surviving.length}):`)
for (const s of surviving) console.log(`  ${s}`)
const killed = count.Killed, timeout = count.Timeout, survived = count.Survived + count.NoCoverage
const detected = killed + timeout
const score = detected + survived ? ((100 * detected) / (detected + survived)).toFixed(2) : 'n/a'
if (detected + survived === 0) {
  console.error('No mutant was tested: check MUTATE (what to mutate).')
  process.exitCode = 1
}
console.log(`mutation_score=${score} killed=${killed} survived=${survived} timeout=${timeout}`)
