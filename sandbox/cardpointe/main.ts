import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readCardPointeEnv } from '../../src/config/cardpointe.ts'
import { SANDBOX_DEFAULTS, startCardPointeSandbox } from './server.ts'

/**
 * `npm run sandbox:cardpointe -- --port 3101` runs the CardPointe sandbox in the foreground
 * until Ctrl-C. Options override the CARDPOINTE_SANDBOX_* / CARDPOINTE_* environment.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    ledger: { type: 'string' },
    'timeout-delay-ms': { type: 'string' },
    merchid: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    processor: { type: 'string' },
    'no-uat-noise': { type: 'boolean' },
    'close-at': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  console.log(`CardPointe sandbox
  --port <n>               default CARDPOINTE_SANDBOX_PORT or 3101 (0 = any free port)
  --host <addr>            default 127.0.0.1
  --ledger <file>          default $DATA_DIR/cardpointe-sandbox.json (DATA_DIR default ./data)
  --timeout-delay-ms <n>   delay of the "Timed out" test cards, default 32000
  --merchid / --username / --password   default ${SANDBOX_DEFAULTS.merchid} / ${SANDBOX_DEFAULTS.username} / ${SANDBOX_DEFAULTS.password}
  --processor RPCT|FNOR    emulated processor codes, default RPCT
  --no-uat-noise           keep field order and add no junk fields
  --close-at HH:MM|off     daily settlement batch close, Eastern time, default 22:00`)
  process.exit(0)
}

const env = process.env
const port = Number(values.port ?? readCardPointeEnv().CARDPOINTE_SANDBOX_PORT)
const processor = (values.processor ?? env.CARDPOINTE_SANDBOX_PROCESSOR ?? 'RPCT').toUpperCase()
const closeAt = values['close-at'] ?? env.CARDPOINTE_SANDBOX_CLOSE_AT ?? '22:00'
if (closeAt !== 'off' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(closeAt)) throw new Error(`Bad --close-at: ${closeAt}`)
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Bad --port: ${values.port}`)
if (processor !== 'RPCT' && processor !== 'FNOR') throw new Error(`Bad --processor: ${processor}`)

const sandbox = await startCardPointeSandbox({
  port,
  host: values.host ?? env.CARDPOINTE_SANDBOX_HOST ?? '127.0.0.1',
  ledgerFile: values.ledger ?? env.CARDPOINTE_SANDBOX_LEDGER ?? join(env.DATA_DIR || './data', 'cardpointe-sandbox.json'),
  timeoutDelayMs: Number(values['timeout-delay-ms'] ?? env.CARDPOINTE_SANDBOX_TIMEOUT_DELAY_MS ?? 32_000),
  merchid: values.merchid ?? env.CARDPOINTE_SANDBOX_MERCHID,
  username: values.username ?? env.CARDPOINTE_SANDBOX_USERNAME,
  password: values.password ?? env.CARDPOINTE_SANDBOX_PASSWORD,
  processor,
  uatNoise: !values['no-uat-noise'],
  closeAt: closeAt === 'off' ? null : closeAt,
})
console.log(`CardPointe sandbox listening on ${sandbox.url} (gateway ${sandbox.url}/cardconnect/rest/, Ctrl-C to stop)`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0))
  })
}
