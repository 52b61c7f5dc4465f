// `npm run servicebook -- <command>`: the operations CLI (src/cli.ts: bill, backup, restore,
// migrate-to-postgres, reconcile, …) from the production build, compiled first if stale.
import { spawn } from 'node:child_process'
import { ensureDependencies } from './ensure-deps.mjs'
import { ensureServerBuild, serverEntry } from './build-server.mjs'

ensureDependencies()
ensureServerBuild()
// NODE_ENV=production unless set, as npm start does: a `bill` renders every receipt with React.
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV || 'production' }
const child = spawn(process.execPath, ['--enable-source-maps', serverEntry('src/cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)))
