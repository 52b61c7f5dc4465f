import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readQuickBooksEnv } from '../../src/config/quickbooks.ts'
import { QUICKBOOKS_SANDBOX_DEFAULTS as D, startQuickBooksSandbox } from './server.ts'

/**
 * `npm run sandbox:quickbooks -- --port 3102` runs the QuickBooks Online sandbox in the
 * foreground until Ctrl-C. Options override the QUICKBOOKS_SANDBOX_* environment.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'rate-limit': { type: 'string' },
    'concurrency-limit': { type: 'string' },
    'access-token-ttl': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  console.log(`QuickBooks Online sandbox
  --port <n>                 default QUICKBOOKS_SANDBOX_PORT or 3102 (0 = any free port)
  --host <addr>              default 127.0.0.1
  --data <file>              default $DATA_DIR/quickbooks-sandbox.jsonl (DATA_DIR default ./data)
  --client-id <id>           default QUICKBOOKS_CLIENT_ID or ${D.clientId}
  --client-secret <secret>   default QUICKBOOKS_CLIENT_SECRET or ${D.clientSecret}
  --redirect-uri <uri>       registered redirect URI (repeatable); default: any localhost or https URI
  --rate-limit <n>           requests per minute per company, default ${D.rateLimitPerMinute}
  --concurrency-limit <n>    requests in flight per company, default ${D.concurrencyLimit}
  --access-token-ttl <s>     access token lifetime in seconds, default 3600`)
  process.exit(0)
}

const env = process.env
const config = readQuickBooksEnv()
const int = (name: string, value: string | undefined, fallback: number) => {
  const n = Number(value ?? fallback)
  if (!Number.isInteger(n) || n < 0) throw new Error(`Bad --${name}: ${value}`)
  return n
}
const port = int('port', values.port, config.QUICKBOOKS_SANDBOX_PORT)
if (port > 65535) throw new Error(`Bad --port: ${values.port}`)

const sandbox = await startQuickBooksSandbox({
  port,
  host: values.host ?? env.QUICKBOOKS_SANDBOX_HOST ?? '127.0.0.1',
  dataFile: values.data ?? env.QUICKBOOKS_SANDBOX_DATA ?? join(env.DATA_DIR || './data', 'quickbooks-sandbox.jsonl'),
  clientId: values['client-id'] ?? config.QUICKBOOKS_CLIENT_ID,
  clientSecret: values['client-secret'] ?? config.QUICKBOOKS_CLIENT_SECRET,
  redirectUris: values['redirect-uri'] ?? [],
  rateLimitPerMinute: int('rate-limit', values['rate-limit'], D.rateLimitPerMinute),
  concurrencyLimit: int('concurrency-limit', values['concurrency-limit'], D.concurrencyLimit),
  oauth: { accessTokenTtlSeconds: int('access-token-ttl', values['access-token-ttl'], 3600) },
})
console.log(`QuickBooks Online sandbox listening on ${sandbox.url} (consent ${sandbox.url}/connect/oauth2, API ${sandbox.url}/v3/company/…, Ctrl-C to stop)`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0))
  })
}
