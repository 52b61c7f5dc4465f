// `npm run mutate -- --sample N [--seed S]`: a folder too large to mutation-test whole in a session
// (src/services/billing: ~3,800 mutants, each running the DB-backed test files that reach it, ~25 s
// of CPU a mutant) is measured on a uniform random sample of its mutants instead. This module draws
// the sample (Stryker's own instrumenter lists every mutant of the MUTATE files; a seeded draw keeps
// it repeatable) and is also the Stryker "ignorer" plugin that keeps only the sampled mutants:
// - the run's `mutate` becomes the sampled mutants' exact ranges, so nothing outside them is mutated;
// - inside a range, a node is ignored unless it is a sampled mutant's node or contains one.
// Other mutators' mutants on a sampled node still run; mutate.mjs scores the sample alone.
import { readFileSync, writeFileSync } from 'node:fs'
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin'

const key = (file, { start, end }) => `${file}:${start.line}:${start.column}-${end.line}:${end.column}`
/** A mutant's identity across runs: where it is, which mutator, what it becomes. */
export const mutantKey = (file, m) => `${key(file, m.location)} ${m.mutatorName} ${m.replacement}`

/** Draws `size` of the mutants of `files` (seeded) and writes them to `out`. */
export async function drawSample(files, size, seed, out) {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter')
  const quiet = () => {}
  const log = { debug: quiet, info: quiet, trace: quiet, warn: console.warn, error: console.error, isDebugEnabled: () => false, isTraceEnabled: () => false, isInfoEnabled: () => false }
  const { mutants } = await new Instrumenter(log).instrument(
    files.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [] },
  )
  // A small LCG: the same seed draws the same sample from the same sources.
  let state = seed >>> 0
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32
  const pool = [...mutants]
  const sample = []
  while (sample.length < Math.min(size, mutants.length)) sample.push(pool.splice(Math.floor(random() * pool.length), 1)[0])
  writeFileSync(out, JSON.stringify({ seed, population: mutants.length, mutants: sample.map((m) => ({ fileName: m.fileName, location: m.location, mutatorName: m.mutatorName, replacement: m.replacement })) }, null, 1))
}

/** Stryker `mutate` ranges of sampled mutants: lines 1-based, columns 0-based, both ends included. */
export const sampleRanges = (mutants) =>
  mutants.map(({ fileName, location: { start, end } }) => `${fileName}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`)

function sampleIgnorer() {
  const file = process.env.MUTATE_SAMPLE_FILE
  if (!file) return { shouldIgnore: () => undefined }
  const { mutants } = JSON.parse(readFileSync(file, 'utf8'))
  const exact = new Set(mutants.map((m) => key(m.fileName, m.location)))
  const byFile = new Map()
  for (const m of mutants) byFile.set(m.fileName, [...(byFile.get(m.fileName) ?? []), m])
  const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column)
  const cwd = process.cwd() + '/'
  return {
    shouldIgnore(path) {
      const loc = path.node.loc
      const name = path.hub?.file?.opts?.filename
      if (!loc || !name) return undefined
      const fileName = name.startsWith(cwd) ? name.slice(cwd.length) : name
      const at = { start: { line: loc.start.line - 1, column: loc.start.column }, end: { line: loc.end.line - 1, column: loc.end.column } }
      if (exact.has(key(fileName, at))) return undefined
      const holdsOne = (byFile.get(fileName) ?? []).some(({ location: l }) => before(at.start, l.start) && before(l.end, at.end))
      return holdsOne ? undefined : 'Not in the sample (npm run mutate -- --sample)'
    },
  }
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'sample', sampleIgnorer())]
