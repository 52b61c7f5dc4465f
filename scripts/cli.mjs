// `npm run servicebook -- <command>`: the operations CLI (src/cli.ts: bill, backup, restore,
// migrate-to-postgres, reconcile, …) from the production build, compiled first if stale.
import { ensureDependencies } from './ensure-deps.mjs'
import { ensureServerBuild, spawnCompiled } from './build-server.mjs'

ensureDependencies()
ensureServerBuild()
// NODE_ENV=production unless set, as npm start does (build-server.mjs's productionEnv).
const child = spawnCompiled('src/cli.ts', process.argv.slice(2), { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)))
