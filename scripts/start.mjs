// `npm start`: install what is missing, build what is stale (the web app, and the server compiled
// to dist/server), start the local sandboxes, then run the Servicebook server in the foreground.
// Plain Node on purpose: it runs before node_modules exists. The processes run the compiled
// JavaScript; tsx is for development and tests.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDependencies } from './ensure-deps.mjs'
import { ensureWebBuild } from './build-web.mjs'
import { ensureServerBuild, spawnCompiled } from './build-server.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const noSandboxes = args.includes('--no-sandboxes')
const appArgs = args.filter((a) => a !== '--no-sandboxes')

ensureDependencies()
ensureWebBuild()
ensureServerBuild()

const children = []
const serverEnv = {}
// The compiled build, with NODE_ENV=production unless set (build-server.mjs's productionEnv).
const runCompiled = (file, fileArgs, env = {}) => spawnCompiled(file, fileArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })

// Local CardPointe sandbox, unless the gateway URL points elsewhere.
const cardpointeMain = 'sandbox/cardpointe/main.ts'
if (!noSandboxes && !process.env.CARDPOINTE_URL && existsSync(join(root, cardpointeMain))) {
  const port = process.env.CARDPOINTE_SANDBOX_PORT ?? '3101'
  const sandbox = runCompiled(cardpointeMain, ['--port', port])
  sandbox.on('exit', (code) => {
    if (code) console.error(`[servicebook] the CardPointe sandbox stopped (exit ${code}); is port ${port} in use?`)
  })
  children.push(sandbox)
  serverEnv.CARDPOINTE_URL = `http://127.0.0.1:${port}`
}

// Local QuickBooks Online sandbox, unless QuickBooks is pointed at Intuit (QUICKBOOKS_ENVIRONMENT
// sandbox|production) or at another stand-in (QUICKBOOKS_LOCAL_URL). See docs/quickbooks-sandbox.md.
const quickbooksMain = 'sandbox/quickbooks/main.ts'
const quickbooksLocal = (process.env.QUICKBOOKS_ENVIRONMENT || 'local') === 'local'
if (!noSandboxes && quickbooksLocal && !process.env.QUICKBOOKS_LOCAL_URL && existsSync(join(root, quickbooksMain))) {
  const port = process.env.QUICKBOOKS_SANDBOX_PORT ?? '3102'
  const quickbooks = runCompiled(quickbooksMain, ['--port', port])
  quickbooks.on('exit', (code) => {
    if (code) console.error(`[servicebook] the QuickBooks sandbox stopped (exit ${code}); is port ${port} in use?`)
  })
  children.push(quickbooks)
  serverEnv.QUICKBOOKS_LOCAL_URL = `http://127.0.0.1:${port}`
}

// Local mail capture, unless mail goes to a real SMTP server (SMTP_URL). See docs/email.md.
const mailboxMain = 'sandbox/mailbox/main.ts'
if (!noSandboxes && !process.env.SMTP_URL && existsSync(join(root, mailboxMain))) {
  const smtpPort = process.env.MAILBOX_SMTP_PORT ?? '3125'
  const httpPort = process.env.MAILBOX_HTTP_PORT ?? '3126'
  const mailbox = runCompiled(mailboxMain, ['--smtp-port', smtpPort, '--http-port', httpPort])
  mailbox.on('exit', (code) => {
    if (code) console.error(`[servicebook] the mail capture stopped (exit ${code}); are ports ${smtpPort}/${httpPort} in use?`)
  })
  children.push(mailbox)
  serverEnv.MAILBOX_SMTP_PORT = smtpPort
  serverEnv.MAILBOX_HTTP_PORT = httpPort
}

const server = runCompiled('src/main.ts', appArgs, serverEnv)
children.push(server)

function stopAll(signal) {
  for (const child of children) if (child.exitCode === null) child.kill(signal)
}
process.on('SIGINT', () => stopAll('SIGINT'))
process.on('SIGTERM', () => stopAll('SIGTERM'))
server.on('exit', (code, signal) => {
  stopAll('SIGTERM')
  process.exitCode = code ?? (signal ? 0 : 1)
})
