import { parentPort } from 'node:worker_threads'
import { renderInvoicePdf, type InvoiceDocument } from './invoice-pdf.ts'

/** Worker thread: renders invoice PDFs off the billing run's main thread (see invoice-pdf-pool.ts). */
parentPort?.on('message', (msg: { id: number; doc: InvoiceDocument }) => {
  renderInvoicePdf(msg.doc).then(
    (pdf) => parentPort!.postMessage({ id: msg.id, pdf }, [pdf.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) }),
  )
})
