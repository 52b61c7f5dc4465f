import type { PaymentLinkSent } from '../../../src/contracts/billing.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { formatUsd } from '../money.ts'
import { toast } from '../notice.tsx'
import { formatDateTime } from '../strings.ts'

/**
 * "Send payment link": after a confirmation, emails the customer the secure page where they put a
 * new card or bank account on file and pay. The server sends one email per invoice in ten
 * minutes, so a double click (or a colleague's click) sends one and says when it went.
 */
export function PaymentLinkButton({ path, owedCents, onSent }: { path: string; owedCents: number; onSent?(): void }) {
  const send = async () => {
    try {
      const r = await api<PaymentLinkSent>('POST', path)
      if (r.alreadySent) toast.success(`A payment link for invoice ${r.invoiceNumber} went to ${r.to} at ${formatDateTime(r.sentAt)}; not sent again.`)
      else toast.success(`Payment link for invoice ${r.invoiceNumber} sent to ${r.to}.`)
      onSent?.()
    } catch (err) {
      toast.failure(errorMessage(err), 'The link was not sent')
    }
  }
  return (
    <ConfirmButton
      label="Send payment link"
      question={`Email the customer a secure link to put a new card or bank account on file and pay ${formatUsd(owedCents)}?`}
      confirmLabel="Send link"
      onConfirm={send}
    />
  )
}
