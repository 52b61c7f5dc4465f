import { formatDay } from '../strings.ts'
import { Accordion, Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core'
import { useState } from 'react'
import type { RenewalPreviewDto, RenewalSelection, RenewalSendResultDto } from '../../../src/contracts/renewals.ts'
import { usd } from '../../../src/domain/quote-text.ts'
import { everyText } from '../../../src/domain/renewal-terms.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { toast } from '../notice.tsx'
import { ErrorNote } from '../page.tsx'
import { priceChangeOf, PriceChangeField, type PriceChangeDraft } from '../price-change-field.tsx'

/**
 * Renewal notices or renewal quotes for the chosen agreements (or all matching the list's filters):
 * set the price change (quotes), preview per agreement the old and new price and the email that
 * will go, then send. The dialog makes one idempotency key when it opens, so a double click or a
 * retry after a lost answer never sends twice.
 */
export function RenewalDialog({ kind, selection, count, onClose }: { kind: 'notice' | 'quote'; selection: RenewalSelection; count: number; onClose(sent: boolean): void }) {
  const [key] = useState(() => crypto.randomUUID())
  const [change, setChange] = useState<PriceChangeDraft>({ kind: 'none', value: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [preview, setPreview] = useState<RenewalPreviewDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const what = kind === 'quote' ? 'renewal quotes' : 'renewal notices'

  const request = () => {
    if (kind === 'notice') return { kind, selection }
    const c = priceChangeOf(change)
    if (c.error) {
      setErrors({ priceChange: c.error })
      return null
    }
    return { kind, selection, priceChange: c.change }
  }
  const run = async (f: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await f()
    } catch (err) {
      setErrors(err instanceof ApiError ? err.fields : {})
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  const doPreview = () => {
    const body = request()
    if (body) void run(async () => setPreview(await api<RenewalPreviewDto>('POST', '/api/renewals/preview', { ...body, limit: 50 })))
  }
  const doSend = () => {
    const body = request()
    if (body)
      void run(async () => {
        const r = await api<RenewalSendResultDto>('POST', '/api/renewals/send', { ...body, idempotencyKey: key })
        toast.success(`${r.sent} ${what} sent${r.skipped ? `; ${r.skipped} skipped` : ''}.`)
        onClose(true)
      })
  }
  return (
    <Modal opened onClose={() => !busy && onClose(false)} title={kind === 'quote' ? 'Create renewal quotes' : 'Send renewal notices'} size="xl" closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <Stack gap="md">
        <Text>
          {count.toLocaleString('en-US')} agreement{count === 1 ? '' : 's'} selected.{' '}
          {kind === 'quote'
            ? 'Each customer gets a quote for the next term with a link to accept it with the payment method on file.'
            : 'Each customer is told when the agreement ends and what happens next, with a link to renew at the configured price.'}
        </Text>
        {kind === 'quote' && (
          <PriceChangeField
            name="priceChange"
            label="Price of the next term"
            value={change}
            onChange={(v) => {
              setChange(v)
              setPreview(null)
              setErrors({})
            }}
            errors={errors}
          />
        )}
        {error && <ErrorNote>{error}</ErrorNote>}
        {preview && <PreviewTable preview={preview} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" disabled={busy} onClick={() => onClose(false)}>
            Cancel
          </Button>
          <Button variant={preview ? 'default' : 'filled'} loading={busy && !preview} onClick={doPreview}>
            Preview
          </Button>
          <Button disabled={!preview || preview.sendable === 0} loading={busy && preview !== null} onClick={doSend}>
            {preview ? `Send ${preview.sendable.toLocaleString('en-US')} ${what}` : `Send ${what}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

function PreviewTable({ preview }: { preview: RenewalPreviewDto }) {
  return (
    <Stack gap="sm" aria-label="Preview">
      <Text fw={600} role="status">
        {preview.sendable.toLocaleString('en-US')} of {preview.selected.toLocaleString('en-US')} will get an email
        {preview.sendable > preview.items.length ? ` (the first ${preview.items.length} are shown)` : ''}.
      </Text>
      {preview.items.length > 0 && (
        <Table striped>
          <Table.Caption className="visually-hidden">Renewal preview</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Agreement</Table.Th>
              <Table.Th>Ends</Table.Th>
              <Table.Th ta="right">Now</Table.Th>
              <Table.Th ta="right">Next term</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.items.map((i) => (
              <Table.Tr key={i.agreementId} data-agreement={i.agreementId}>
                <Table.Td>
                  #{i.number} {i.customerName}
                </Table.Td>
                <Table.Td>{formatDay(i.lastDay)}</Table.Td>
                <Table.Td ta="right" className="num">
                  {usd(i.oldPerBillCents)} {everyText(i.intervalMonths)}
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {usd(i.newPerBillCents)} {everyText(i.intervalMonths)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {preview.items.length > 0 && (
        <Accordion variant="contained">
          {preview.items.slice(0, 10).map((i) => (
            <Accordion.Item key={i.agreementId} value={i.agreementId}>
              <Accordion.Control>
                Email to {i.recipient}: {i.email.subject}
              </Accordion.Control>
              <Accordion.Panel>
                <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {i.email.text}
                </Text>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
      {preview.skipped.length > 0 && (
        <Alert color="yellow" title={`${preview.selected - preview.sendable} will be skipped`}>
          <ul>
            {preview.skipped.slice(0, 20).map((s) => (
              <li key={s.agreementId}>
                #{s.number} {s.reason}
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </Stack>
  )
}
