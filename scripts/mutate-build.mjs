// Stryker's build step (stryker.config.mjs `buildCommand`), run inside its sandbox after the
// sources are instrumented: every .ts/.tsx file under src/, test/ and sandbox/ is transpiled
// to a .mjs file beside it, relative imports rewritten to match. The mutant runs then start
// plain Node on those files, without tsx's loader hooks: through the hooks every module
// (kysely alone is some 400) costs a round trip to the loader thread, which made start-up
// ~2.5 s of a ~4 s billing test file. Files stay where they were, so paths taken from
// import.meta.url (project root, migration sources, fonts) still hold.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'

const relativeTs = /((?:from|import)\s*\(?\s*["'](?:\.{1,2}\/)[^"']*?)\.tsx?(["'])/g

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(path)
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path
  }
}

let count = 0
for (const dir of process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test', 'sandbox']) {
  for (const file of sources(dir)) {
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'esm',
      target: 'node20',
      jsx: 'automatic',
      sourcefile: file,
    })
    writeFileSync(file.replace(/\.tsx?$/, '.mjs'), code.replace(relativeTs, '$1.mjs$2'))
    count++
  }
}
console.log(`[mutate-build] ${count} files transpiled to .mjs`)
