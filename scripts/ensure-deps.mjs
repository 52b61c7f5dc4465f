// Installs npm dependencies when node_modules is missing or older than package-lock.json.
// Plain Node (no dependencies) because it runs before anything is installed.
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = `${root}node_modules/.servicebook-lock-hash`

export function ensureDependencies() {
  const lock = readFileSync(`${root}package-lock.json`)
  const hash = createHash('sha256').update(lock).digest('hex')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  // A linked node_modules (a git worktree sharing another checkout's install) is not ours to
  // replace: npm ci empties the linked folder for every checkout that shares it.
  if (existsSync(`${root}node_modules`) && lstatSync(`${root}node_modules`).isSymbolicLink()) {
    console.warn('[servicebook] node_modules is a link to another install and its lock hash differs; not reinstalling through the link (run npm ci where it points).')
    return
  }
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
