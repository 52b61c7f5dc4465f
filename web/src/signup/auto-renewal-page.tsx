import { Alert, Button, Container, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { ManageRenewalView } from '../../../src/contracts/renewals.ts'
import { usd } from '../../../src/domain/quote-text.ts'
import { formatDay, setCompanyFormat } from '../strings.ts'
import { everyText } from '../../../src/domain/renewal-terms.ts'
import { api, errorMessage } from '../api.ts'

/**
 * The customer's automatic-renewal page (`/auto-renewal/<token>`, linked from every notice and
 * receipt): whether the agreement renews, when and at what price, and one button to turn it off
 * online, with no call (California BPC §17602). A confirmation email follows at once.
 */
export function AutoRenewalPage({ token }: { token: string }) {
  const [view, setView] = useState<ManageRenewalView | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [turnedOff, setTurnedOff] = useState(false)
  const path = `/api/auto-renewal/${encodeURIComponent(token)}`
  useEffect(() => {
    api<ManageRenewalView>('GET', path)
      // No session here: the answer carries the company's locale, for the dates on the page.
      .then((v) => (setCompanyFormat(v.format), setView(v)))
      .catch((err: unknown) => setFailure(errorMessage(err)))
  }, [path])
  useEffect(() => {
    document.title = view ? `Automatic renewal · ${view.companyName}` : 'Automatic renewal'
  }, [view])
  const turnOff = async () => {
    setBusy(true)
    try {
      setView(await api<ManageRenewalView>('POST', `${path}/off`))
      setTurnedOff(true)
    } catch (err) {
      setFailure(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Container size="sm" py="xl" component="main" id="main">
      {failure && !view ? (
        <Stack>
          <Title order={1}>This link is not valid</Title>
          <Text role="alert">{failure}</Text>
        </Stack>
      ) : !view ? (
        <Text c="dimmed">Loading…</Text>
      ) : (
        <Stack gap="md">
          <Text fw={700} size="lg">
            {view.companyName}
          </Text>
          <Title order={1}>Automatic renewal of agreement #{view.agreement.number}</Title>
          <Text>
            {view.agreement.name}, for {view.customerName}.{view.agreement.lastDay ? ` The current term runs through ${formatDay(view.agreement.lastDay)}.` : ''}
          </Text>
          {view.autoRenew ? (
            <>
              <Text size="lg">
                It renews automatically on <strong>{formatDay(view.renewsOn!)}</strong>
                {view.renewalPerBillCents !== null ? ` at ${usd(view.renewalPerBillCents)} ${everyText(view.intervalMonths)}` : ''}, charged to your payment method on file.
              </Text>
              <Text>You can turn automatic renewal off here at any time before then. Your agreement then simply ends after its current term; nothing more is charged for a new term.</Text>
              <Button color="red" size="md" loading={busy} onClick={() => void turnOff()} w="fit-content">
                Turn off automatic renewal
              </Button>
            </>
          ) : (
            <Alert color={turnedOff ? 'green' : 'gray'} role="status" title={turnedOff ? 'Automatic renewal is off' : 'This agreement does not renew automatically'}>
              {view.agreement.lastDay ? `It ends after ${formatDay(view.agreement.lastDay)} unless you renew it.` : 'It has no renewal date.'}
              {turnedOff ? ' We emailed you a confirmation.' : ''}
            </Alert>
          )}
          {failure && <Alert color="red">{failure}</Alert>}
        </Stack>
      )}
    </Container>
  )
}
