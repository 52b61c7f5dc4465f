import { Alert, Button, Checkbox, Container, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import { AcceptRenewalInput, type PublicRenewalView } from '../../../src/contracts/renewals.ts'
import { fieldErrors } from '../../../src/contracts/common.ts'
import { usd } from '../../../src/domain/quote-text.ts'
import { formatDay, setCompanyFormat } from '../strings.ts'
import { everyText } from '../../../src/domain/renewal-terms.ts'
import { brandName } from '../../../src/domain/payment-method.ts'
import { dayBeforeIso } from '../../../src/domain/iso-date.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { CheckboxField, TextField } from '../fields.tsx'
import { PaymentMethodFields, paymentMethodInput, paymentMethodProblems, usePaymentErrorsClear, usePaymentMethod } from '../payment-method-fields.tsx'

const FAILURE_TITLES: Record<string, string> = {
  link_expired: 'This renewal offer has expired',
  link_replaced: 'This link no longer works',
  link_accepted: 'This agreement is already renewed',
  rate_limited: 'Please wait a moment',
}

/**
 * The customer's hosted renewal page (`/renew/<token>`): the next term (dates, price, what changed,
 * the terms), accepted in one click with the card or bank account already on file plus a typed
 * signature, or with a new card (through the gateway's iFrame tokenizer) or bank account (the shared
 * payment-method fields, checked in the browser before anything is sent). When the
 * next term offers automatic renewal, its terms stand beside their own, unticked consent.
 */
export function RenewalPage({ token }: { token: string }) {
  const [view, setView] = useState<PublicRenewalView | null>(null)
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null)
  useEffect(() => {
    api<PublicRenewalView>('GET', `/api/renew/${encodeURIComponent(token)}`)
      // No session here: the answer carries the company's locale, for the dates on the page.
      .then((v) => (setCompanyFormat(v.format), setView(v)))
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
              For {view.customerName}, {view.agreement.location}. Your current term runs through {formatDay(view.agreement.lastDay)}.
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
      Your next term{view.newAgreementNumber ? ` (agreement #${view.newAgreementNumber})` : ''} starts on {formatDay(view.offer.startDate)} at {usd(view.offer.perBillCents)}{' '}
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
          {o.termMonths ? `${o.termMonths} months` : 'A new term'} from <strong>{formatDay(o.startDate)}</strong>
          {o.endDate ? ` through ${formatDay(dayBeforeIso(o.endDate))}` : ''}.
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

const CHECK_FIELDS = 'Please check the highlighted fields.'

function RenewalForm({ token, view, onDone }: { token: string; view: PublicRenewalView; onDone(v: PublicRenewalView): void }) {
  const pm = view.onFile
  const pay = usePaymentMethod(view.tokenizerOrigin, pm ? 'on_file' : 'card')
  const [signerName, setSignerName] = useState('')
  const [consent, setConsent] = useState(false)
  const [autoRenewConsent, setAutoRenewConsent] = useState(false)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const busy = useRef(false)
  const formRef = useRef<HTMLFormElement>(null)
  // A fixed field loses its error as it is fixed; the card's, once the tokenizer has the card.
  usePaymentErrorsClear(formRef, pay.card, setErrors)

  const submit = async () => {
    if (busy.current) return
    // The contract's checks (the routing checksum included) and the browser's own (a card in the
    // iFrame, the account number typed the same twice), before anything is sent.
    const parsed = AcceptRenewalInput.safeParse({ signerName, consent, autoRenewConsent: view.offer.autoRenew && autoRenewConsent, paymentMethod: paymentMethodInput(pay) })
    const problems: FieldErrors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...paymentMethodProblems(pay) }
    if (!signerName.trim()) problems.signerName = 'is required: type your full name to sign'
    if (!parsed.success || Object.keys(problems).length) {
      setErrors(problems)
      setFormError(CHECK_FIELDS)
      return
    }
    busy.current = true
    setSaving(true)
    try {
      onDone(await api<PublicRenewalView>('POST', `/api/renew/${encodeURIComponent(token)}/accept`, parsed.data))
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors(fields)
      const declined = err instanceof ApiError && err.code === 'payment_declined'
      if (declined) pay.newCard()
      setFormError(Object.keys(fields).length ? (declined ? err.message : CHECK_FIELDS) : errorMessage(err))
    } finally {
      busy.current = false
      setSaving(false)
    }
  }
  return (
    <form ref={formRef} onSubmit={(e) => (e.preventDefault(), void submit())} noValidate aria-label="Renew">
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
      <Stack gap="xs">
        <Title order={2} size="h3">
          Pay with
        </Title>
        <PaymentMethodFields state={pay} tokenizerUrl={view.tokenizerUrl} errors={errors} onFile={pm ? `The ${pm.kind === 'ach' ? 'bank account' : brandName(pm.brand)} ending ${pm.last4}` : undefined} />
      </Stack>
      <Stack gap="sm">
        <TextField label="Your full name" name="signerName" required autoComplete="name" value={signerName} onChange={setSignerName} errors={errors} />
        <CheckboxField
          name="consent"
          checked={consent}
          onChange={setConsent}
          errors={errors}
          errorText={`Agreement ${errors.consent ?? ''}`}
          label={`I agree to renew on these terms and authorize ${view.companyName} to charge ${usd(view.offer.perBillCents)} ${everyText(view.offer.intervalMonths)} from ${formatDay(view.offer.startDate)}.`}
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
