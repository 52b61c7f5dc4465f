// Prints the test files (arguments) that touch the test database: those whose relative imports,
// followed through every file they reach, include test/helpers/test-db.ts. npm test runs them a
// second time on PostgreSQL. Following imports (rather than grepping for helper names) keeps a
// file in that pass when it reaches the database through a new shared helper.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

const target = resolve('test/helpers/test-db.ts')
const reaches = new Map()
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

function touchesDb(file, seen = new Set()) {
  if (file === target) return true
  if (reaches.has(file)) return reaches.get(file)
  if (seen.has(file)) return false
  seen.add(file)
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return false
  }
  let found = false
  for (const m of text.matchAll(IMPORT)) {
    if (touchesDb(resolve(dirname(file), m[1] ?? m[2]), seen)) {
      found = true
      break
    }
  }
  // Only a definite answer is remembered: a cycle cut short above may be incomplete.
  if (found || seen.size === 1) reaches.set(file, found)
  return found
}

for (const f of process.argv.slice(2)) if (touchesDb(resolve(f))) console.log(f)
