// Compiles the server and the local sandboxes (src/, sandbox/) to JavaScript under dist/server
// when any of their sources is newer than the build, so `npm start` runs plain Node: no tsx
// loader in production (less memory per process, a faster start). tsx stays for tests and benches.
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { newestMtime } from './newest-mtime.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = join(root, 'dist/server/.built')
const sources = ['src', 'sandbox', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']

/** The compiled entry point of a source file, e.g. serverEntry('src/main.ts') → dist/server/src/main.js. */
export const serverEntry = (file) => join(root, 'dist/server', file.replace(/\.ts$/, '.js'))

/**
 * The environment the production build runs in: `env` with NODE_ENV=production unless it sets one.
 * React (it draws the e-mails) otherwise runs its development build, which made drawing a receipt
 * several times slower (bench:scale's profile).
 */
export const productionEnv = (env) => ({ ...env, NODE_ENV: env.NODE_ENV || 'production' })

/**
 * Runs a source file's compiled build with plain Node, as `npm start` and `npm run servicebook` do:
 * `spawnCompiled('src/main.ts', args, { env, nodeArgs, …spawn options })`.
 */
export function spawnCompiled(file, args, { env = process.env, nodeArgs = [], ...options } = {}) {
  return spawn(process.execPath, [...nodeArgs, '--enable-source-maps', serverEntry(file), ...args], { ...options, env: productionEnv(env) })
}

export function ensureServerBuild({ force = false } = {}) {
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
  const changedAt = Math.max(...sources.map((s) => newestMtime(join(root, s))))
  if (!force && builtAt > changedAt) return
  console.log('[servicebook] compiling the server…')
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('[servicebook] the server build failed; see the output above.')
    process.exit(result.status ?? 1)
  }
  writeFileSync(stamp, new Date().toISOString())
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureServerBuild({ force: process.argv.includes('--force') })
