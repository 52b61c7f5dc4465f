// `npm run servicebook -- <command>`: the operations CLI (src/cli.ts: bill, backup, restore,
// migrate-to-postgres, reconcile, …) from the production build, compiled first if stale.
import { spawn } from 'node:child_process'
import { ensureDependencies } from './ensure-deps.mjs'
import { ensureServerBuild, serverEntry } from './build-server.mjs'

ensureDependencies()
ensureServerBuild()
const child = spawn(process.execPath, ['--enable-source-maps', serverEntry('src/cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)))
