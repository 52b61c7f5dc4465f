import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
// @ts-expect-error plain-Node build script, no type declarations
import { ensureServerBuild, serverEntry } from '../../scripts/build-server.mjs'
import { call, login, startServerProcess } from '../helpers/server-process.ts'

// `npm start` runs the compiled build (issue 14): it must start, migrate, serve the web app and the API
// with no TypeScript loader, and draw invoice PDFs on its worker thread from the compiled worker file.
ensureServerBuild()

test('the compiled server starts on a fresh data folder with no tsx loader, serves the web app and answers the API', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-compiled-'))
  const server = await startServerProcess({ DATA_DIR: dataDir, CARDPOINTE_URL: 'http://127.0.0.1:9' }, { compiled: true })
  try {
    const loader = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8').split('\0')
    assert.ok(!loader.some((a) => a.includes('tsx')) && loader.some((a) => a.endsWith('/dist/server/src/main.js')), loader.join(' '))
    // Launched as `npm start` launches it, from an environment with no NODE_ENV: React's production
    // build (the development one drew e-mails several times slower).
    const environment = readFileSync(`/proc/${server.child.pid}/environ`, 'utf8').split('\0')
    assert.ok(environment.includes('NODE_ENV=production'), environment.filter((v) => v.startsWith('NODE_')).join(' '))
    assert.deepEqual(await (await fetch(`${server.url}/health/ready`)).json(), { status: 'ok', database: 'pglite' })
    assert.match(await (await fetch(`${server.url}/`)).text(), /<title>Servicebook<\/title>/)
    const office = await login(server.url)
    const created = await call<{ id: string }>(server.url, office, 'POST', '/api/customers', { name: 'Compiled Co', email: 'c@compiled.test' })
    assert.equal(created.status, 201, JSON.stringify(created.body))
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('the compiled PDF pool draws on its worker thread (the worker loads dist/…/pdf-worker.js, not the .ts source)', async () => {
  const pool = (await import(pathToFileURL(serverEntry('src/services/billing/invoice-pdf-pool.ts')).href)) as typeof import('../../src/services/billing/invoice-pdf-pool.ts')
  const pdf = await pool.renderInvoicePdfOffThread({
    companyName: 'Acme HVAC', companyContact: ['office@acme.test'], logo: null, billToAddress: ['1 Main St'], number: 7, issuedOn: '2026-12-01',
    customerName: 'Pat Compiled', agreementName: 'Comfort Club', periodStart: '2026-12-01', periodLastDay: '2026-12-31',
    lines: [{ description: 'Maintenance plan', amountCents: 2500, recurring: true, taxable: false }],
    subtotalCents: 2500, taxCents: 0, totalCents: 2500, paidCents: 0, paidNote: null, status: 'open', locale: 'en-US',
  })
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  assert.equal(pool.renderedOnWorker, 1)
})
