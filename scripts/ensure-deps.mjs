// Installs npm dependencies when node_modules is missing or older than package-lock.json.
// Plain Node (no dependencies) because it runs before anything is installed.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = `${root}node_modules/.servicebook-lock-hash`

export function ensureDependencies() {
  const lock = readFileSync(`${root}package-lock.json`)
  const hash = createHash('sha256').update(lock).digest('hex')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  console.log('[servicebook] installing npm dependencies (npm ci)…')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('[servicebook] npm ci failed; see the output above.')
    process.exit(result.status ?? 1)
  }
  writeFileSync(stamp, hash)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies()
