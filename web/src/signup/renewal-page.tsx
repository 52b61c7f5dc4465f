import { Alert, Button, Checkbox, Container, Group, NativeSelect, Paper, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import type { PublicRenewalView } from '../../../src/contracts/renewals.ts'
import { dateText, usd } from '../../../src/domain/quote-text.ts'
import { everyText } from '../../../src/domain/renewal-terms.ts'
import { brandName } from '../../../src/domain/payment-method.ts'
import { dayBeforeIso } from '../../../src/domain/iso-date.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { useTokenizer, type CardToken } from '../tokenizer.ts'

const FAILURE_TITLES: Record<string, string> = {
  link_expired: 'This renewal offer has expired',
  link_replaced: 'This link no longer works',
  link_accepted: 'This agreement is already renewed',
  rate_limited: 'Please wait a moment',
}

/**
 * The customer's hosted renewal page (`/renew/<token>`): the next term (dates, price, what changed,
 * the terms), accepted in one click with the card or bank account already on file plus a typed
 * signature, or with a new card (through the gateway's iFrame tokenizer) or bank account. When the
 * next term offers automatic renewal, its terms stand beside their own, unticked consent.
 */
export function RenewalPage({ token }: { token: string }) {
  const [view, setView] = useState<PublicRenewalView | null>(null)
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null)
  useEffect(() => {
    api<PublicRenewalView>('GET', `/api/renew/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((err: unknown) => setFailure({ title: FAILURE_TITLES[err instanceof ApiError ? err.code : ''] ?? 'This link is not valid', message: errorMessage(err) }))
  }, [token])
  useEffect(() => {
    document.title = view ? `Renew agreement #${view.agreement.number} · ${view.companyName}` : 'Your renewal'
  }, [view])
  return (
    <Container size="sm" py="xl" component="main" id="main">
      {failure ? (
        <Stack>
          <Title order={1}>{failure.title}</Title>
          <Text role="alert">{failure.message}</Text>
        </Stack>
      ) : !view ? (
        <Text c="dimmed">Loading your renewal…</Text>
      ) : (
        <Stack gap="lg">
          <Stack gap={4}>
            <Text fw={700} size="lg">
              {view.companyName}
            </Text>
            <Title order={1}>
              Renew agreement #{view.agreement.number}: {view.agreement.name}
            </Title>
            <Text>
              For {view.customerName}, {view.agreement.location}. Your current term runs through {dateText(view.agreement.lastDay)}.
            </Text>
          </Stack>
          {view.state === 'accepted' ? <Accepted view={view} /> : <RenewalForm token={token} view={view} onDone={setView} />}
        </Stack>
      )}
    </Container>
  )
}

function Accepted({ view }: { view: PublicRenewalView }) {
  return (
    <Alert color="green" title="Thank you, your agreement is renewed" role="status">
      Your next term{view.newAgreementNumber ? ` (agreement #${view.newAgreementNumber})` : ''} starts on {dateText(view.offer.startDate)} at {usd(view.offer.perBillCents)}{' '}
      {everyText(view.offer.intervalMonths)}. Your current term carries on until then, so there is no gap and nothing is billed twice. We emailed you a confirmation.
    </Alert>
  )
}

function OfferFacts({ view }: { view: PublicRenewalView }) {
  const o = view.offer
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Title order={2} size="h3">
          Your next term
        </Title>
        <Text>
          {o.termMonths ? `${o.termMonths} months` : 'A new term'} from <strong>{dateText(o.startDate)}</strong>
          {o.endDate ? ` through ${dateText(dayBeforeIso(o.endDate))}` : ''}.
        </Text>
        <Text size="lg">
          <strong>
            {usd(o.perBillCents)} {everyText(o.intervalMonths)}
          </strong>{' '}
          {o.perBillCents === o.oldPerBillCents ? '(the same as now)' : `(now ${usd(o.oldPerBillCents)}: ${o.changeText})`}
        </Text>
        <Table aria-label="What each bill covers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.lines.map((l, i) => (
              <Table.Tr key={i}>
                <Table.Td>{l.description}</Table.Td>
                <Table.Td ta="right">{usd(l.amountCents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          Amounts before sales tax where it applies; the price above includes it.
        </Text>
      </Stack>
    </Paper>
  )
}

type Pay = 'on_file' | 'card' | 'ach'

function RenewalForm({ token, view, onDone }: { token: string; view: PublicRenewalView; onDone(v: PublicRenewalView): void }) {
  const [pay, setPay] = useState<Pay>(view.onFile ? 'on_file' : 'card')
  const [card, setCard] = useState<CardToken | null>(null)
  const [cardProblem, setCardProblem] = useState<string | null>(null)
  const [frameKey, setFrameKey] = useState(0)
  const [bank, setBank] = useState({ routingNumber: '', accountNumber: '', accountType: 'checking', holderName: '' })
  const [signerName, setSignerName] = useState('')
  const [consent, setConsent] = useState(false)
  const [autoRenewConsent, setAutoRenewConsent] = useState(false)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const busy = useRef(false)
  useTokenizer(pay === 'card' ? view.tokenizerOrigin : null, setCard, setCardProblem)

  const submit = async () => {
    if (busy.current) return
    const missing: FieldErrors = {}
    if (!signerName.trim()) missing.signerName = 'is required: type your full name to sign'
    if (!consent) missing.consent = 'must be ticked to sign'
    if (pay === 'card' && !card) missing.paymentMethod = cardProblem ?? 'is required: enter your card number, expiry and security code'
    if (Object.keys(missing).length) {
      setErrors(missing)
      setFormError('Please check the highlighted fields.')
      return
    }
    const paymentMethod = pay === 'on_file' ? { kind: 'on_file' } : pay === 'card' ? { kind: 'card', ...card! } : { kind: 'ach', ...bank }
    busy.current = true
    setSaving(true)
    try {
      onDone(await api<PublicRenewalView>('POST', `/api/renew/${encodeURIComponent(token)}/accept`, { signerName, consent: true, autoRenewConsent: view.offer.autoRenew && autoRenewConsent, paymentMethod }))
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors(fields)
      if (err instanceof ApiError && err.code === 'payment_declined') {
        setCard(null)
        setFrameKey((k) => k + 1)
      }
      setFormError(Object.keys(fields).length ? `${err instanceof ApiError && err.code === 'payment_declined' ? err.message : 'Please check the highlighted fields.'}` : errorMessage(err))
    } finally {
      busy.current = false
      setSaving(false)
    }
  }
  const pm = view.onFile
  return (
    <form onSubmit={(e) => (e.preventDefault(), void submit())} noValidate aria-label="Renew">
    <Stack gap="lg">
      <OfferFacts view={view} />
      <Stack gap="xs">
        <Title order={2} size="h3">
          Terms
        </Title>
        <Paper withBorder p="sm" mah="14rem" style={{ overflow: 'auto', whiteSpace: 'pre-wrap' }} tabIndex={0} aria-label="Terms and conditions">
          {view.offer.termsText || 'The terms of your current agreement continue unchanged.'}
        </Paper>
      </Stack>
      <Radio.Group label="Pay with" value={pay} onChange={(v) => setPay(v as Pay)} name="paymentMethod" error={errors.paymentMethod ? `Payment method ${errors.paymentMethod}` : undefined}>
        <Stack gap={6} mt={4}>
          {pm && <Radio value="on_file" label={`The ${pm.kind === 'ach' ? 'bank account' : brandName(pm.brand)} ending ${pm.last4} already on file`} />}
          <Radio value="card" label="A new card" />
          <Radio value="ach" label="A bank account (ACH)" />
        </Stack>
      </Radio.Group>
      {pay === 'card' && (
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            Your card number goes straight to our payment processor; we never see it.
          </Text>
          <iframe key={frameKey} id="tokenFrame" name="tokenFrame" title="Card details" src={view.tokenizerUrl} className="tokenizer" />
          {card && <Text c="green">Card details received (ending {card.token.slice(-4)}).</Text>}
        </Stack>
      )}
      {pay === 'ach' && (
        <Group grow wrap="wrap">
          <TextInput label="Account holder name" name="paymentMethod.holderName" value={bank.holderName} onChange={(e) => setBank({ ...bank, holderName: e.currentTarget.value })} error={errors['paymentMethod.holderName']} />
          <TextInput label="Routing number" inputMode="numeric" name="paymentMethod.routingNumber" value={bank.routingNumber} onChange={(e) => setBank({ ...bank, routingNumber: e.currentTarget.value })} error={errors['paymentMethod.routingNumber']} />
          <TextInput label="Account number" inputMode="numeric" name="paymentMethod.accountNumber" value={bank.accountNumber} onChange={(e) => setBank({ ...bank, accountNumber: e.currentTarget.value })} error={errors['paymentMethod.accountNumber']} />
          <NativeSelect label="Account type" name="paymentMethod.accountType" value={bank.accountType} onChange={(e) => setBank({ ...bank, accountType: e.currentTarget.value })} data={[{ value: 'checking', label: 'Checking' }, { value: 'savings', label: 'Savings' }]} />
        </Group>
      )}
      <Stack gap="sm">
        <TextInput label="Your full name" name="signerName" withAsterisk autoComplete="name" value={signerName} onChange={(e) => setSignerName(e.currentTarget.value)} error={errors.signerName ? `Your full name ${errors.signerName}` : undefined} />
        <Checkbox
          name="consent"
          checked={consent}
          onChange={(e) => setConsent(e.currentTarget.checked)}
          error={errors.consent ? `Agreement ${errors.consent}` : undefined}
          label={`I agree to renew on these terms and authorize ${view.companyName} to charge ${usd(view.offer.perBillCents)} ${everyText(view.offer.intervalMonths)} from ${dateText(view.offer.startDate)}.`}
        />
        {view.offer.autoRenew && view.offer.autoRenewTerms && (
          <Paper withBorder p="md" radius="md" style={{ borderWidth: 2, borderColor: 'var(--mantine-color-blue-7)' }}>
            <Stack gap="xs">
              <Title order={3} size="h4">
                Automatic renewal (optional)
              </Title>
              <Text fw={600}>{view.offer.autoRenewTerms}</Text>
              <Checkbox name="autoRenewConsent" checked={autoRenewConsent} onChange={(e) => setAutoRenewConsent(e.currentTarget.checked)} label="Yes, renew automatically on these terms until I cancel." />
            </Stack>
          </Paper>
        )}
      </Stack>
      {formError && (
        <Alert color="red" role="alert">
          {formError}
        </Alert>
      )}
      <Group>
        <Button type="submit" size="md" loading={saving}>
          Renew and sign
        </Button>
      </Group>
    </Stack>
    </form>
  )
}
