import { Worker } from 'node:worker_threads'
import type { InvoiceDocument } from './invoice-pdf.ts'

// pdfkit and its fonts (~20 MB) load only when a PDF is drawn inline, not with every billing process.
const renderInline = async (doc: InvoiceDocument) => (await import('./invoice-pdf.ts')).renderInvoicePdf(doc)

/**
 * Renders invoice PDFs on one worker thread, so a billing run's main thread keeps charging
 * while receipts are drawn (~5 ms of CPU each). Falls back to rendering inline when a worker
 * cannot start or fails.
 */
let worker: Worker | null | undefined
let nextId = 0
/** How many PDFs the worker drew (a test checks the worker really works, not only the fallback). */
export let renderedOnWorker = 0
const waiting = new Map<number, { resolve(b: Buffer): void; reject(e: Error): void }>()

function getWorker(): Worker | null {
  if (worker !== undefined) return worker
  try {
    // NOTE: a worker does not inherit the tsx loader from `node --import tsx` (it failed with
    // "Unknown file extension .ts" and every PDF silently fell back to the main thread), so the
    // worker registers tsx itself before importing the TypeScript entry.
    // Compiled JavaScript (dist/server's .js, the mutation build's .mjs) needs no loader: its
    // worker is the entry compiled beside this file, with the same extension.
    const extension = import.meta.url.slice(import.meta.url.lastIndexOf('.'))
    const compiled = extension !== '.ts'
    const entry = new URL(`./pdf-worker${extension}`, import.meta.url).href
    const w = compiled
      ? new Worker(new URL(entry))
      : new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
    w.unref()
    w.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const p = waiting.get(m.id)
      if (!p) return
      waiting.delete(m.id)
      if (m.pdf) {
        renderedOnWorker++
        p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength))
      }
      else p.reject(new Error(m.error ?? 'PDF worker failed'))
    })
    const fail = (err: Error) => {
      worker = null
      for (const p of waiting.values()) p.reject(err)
      waiting.clear()
    }
    w.on('error', fail)
    w.on('exit', (code) => code !== 0 && fail(new Error(`PDF worker exited with ${code}`)))
    worker = w
  } catch {
    worker = null
  }
  return worker
}

export async function renderInvoicePdfOffThread(doc: InvoiceDocument): Promise<Buffer> {
  const w = getWorker()
  if (!w) return renderInline(doc)
  const id = nextId++
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      waiting.set(id, { resolve, reject })
      w.ref()
      w.postMessage({ id, doc })
    }).finally(() => {
      if (waiting.size === 0) w.unref()
    })
  } catch {
    return renderInline(doc)
  }
}
