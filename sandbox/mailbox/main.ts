import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readEmailEnv } from '../../src/config/email.ts'
import { startMailbox } from './server.ts'

/**
 * `npm run mailbox -- --smtp-port 3125 --http-port 3126` runs the local mail capture in the
 * foreground until Ctrl-C. `npm start` runs it for you when SMTP_URL is unset.
 */
const { values } = parseArgs({
  options: {
    'smtp-port': { type: 'string' },
    'http-port': { type: 'string' },
    host: { type: 'string' },
    dir: { type: 'string' },
    memory: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  console.log(`Servicebook local mail capture
  --smtp-port <n>   default MAILBOX_SMTP_PORT or 3125 (0 = any free port)
  --http-port <n>   default MAILBOX_HTTP_PORT or 3126 (0 = any free port)
  --host <addr>     default 127.0.0.1
  --dir <folder>    where messages are kept, default $DATA_DIR/mailbox (DATA_DIR default ./data)
  --memory          keep messages in memory only`)
  process.exit(0)
}

const env = readEmailEnv()
const port = (value: string | undefined, fallback: number, name: string) => {
  const n = Number(value ?? fallback)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Bad --${name}: ${value}`)
  return n
}

const mailbox = await startMailbox({
  smtpPort: port(values['smtp-port'], env.MAILBOX_SMTP_PORT, 'smtp-port'),
  httpPort: port(values['http-port'], env.MAILBOX_HTTP_PORT, 'http-port'),
  host: values.host ?? '127.0.0.1',
  dir: values.memory ? null : (values.dir ?? join(process.env.DATA_DIR || './data', 'mailbox')),
})
console.log(`Mail capture: SMTP ${mailbox.smtpUrl}, mailbox ${mailbox.httpUrl} (Ctrl-C to stop)`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mailbox.close().then(() => process.exit(0))
  })
}
