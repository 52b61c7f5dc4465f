// Builds the office web app into web/dist when any of its sources is newer than the build.
import { existsSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { newestMtime } from './newest-mtime.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const built = join(root, 'web/dist/index.html')
const sources = ['web/index.html', 'web/vite.config.ts', 'web/src', 'src/contracts', 'package-lock.json']

export function ensureWebBuild({ force = false } = {}) {
  if (!existsSync(join(root, 'web/vite.config.ts'))) return
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
  const changedAt = Math.max(...sources.map((s) => newestMtime(join(root, s))))
  if (!force && builtAt > changedAt) return
  console.log('[servicebook] building the office web app…')
  const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (result.status !== 0) {
    console.error('[servicebook] the web build failed; see the output above.')
    process.exit(result.status ?? 1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureWebBuild({ force: process.argv.includes('--force') })
