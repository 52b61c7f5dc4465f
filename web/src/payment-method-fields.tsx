import { useCallback, useEffect, useState, type Dispatch, type ReactNode, type RefObject, type SetStateAction } from 'react'
import type { FieldErrors } from './api.ts'
import { useErrorsClearOnInput, withoutField } from './forms.tsx'
import { SelectField, TextField } from './fields.tsx'
import { useTokenizer, type CardToken } from './tokenizer.ts'

/**
 * The customer's choice of a card or a bank account (ACH), shared by the sign-up page and the
 * update-payment page. A card is typed into the gateway's iFrame tokenizer (we receive a token,
 * never the number); a bank account is typed here, twice for its number, and its routing number
 * is checked (ABA checksum, in the shared contract) before anything is sent. The renewal page
 * also offers the method already on file (`onFile`), chosen first when there is one.
 */

export type PayMethod = 'on_file' | 'card' | 'ach'

const NO_BANK = { holderName: '', routingNumber: '', accountNumber: '', confirmAccountNumber: '', accountType: 'checking' }
export type BankDraft = typeof NO_BANK

/** The state behind the fields: which method, the tokenizer's card token, the typed bank account. */
export function usePaymentMethod(tokenizerOrigin: string | null, initial: PayMethod = 'card') {
  const [method, setMethod] = useState<PayMethod>(initial)
  const [card, setCard] = useState<CardToken | null>(null)
  const [cardProblem, setCardProblem] = useState<string | null>(null)
  const [frameKey, setFrameKey] = useState(0)
  const [bank, setBank] = useState(NO_BANK)
  useTokenizer(tokenizerOrigin, setCard, setCardProblem)
  /** After a decline: a fresh tokenizer and no stale token, so another card can be tried. */
  const newCard = useCallback(() => {
    setCard(null)
    setFrameKey((k) => k + 1)
  }, [])
  return { method, setMethod, card, cardProblem, frameKey, bank, setBank, newCard }
}
export type PaymentMethodState = ReturnType<typeof usePaymentMethod>

/** What is sent: the method on file, the card's token and expiry, or the bank account (without its confirmation); undefined while no card is entered. */
export function paymentMethodInput({ method, card, bank }: PaymentMethodState) {
  if (method === 'on_file') return { kind: 'on_file' as const }
  if (method === 'card') return card ? { kind: 'card' as const, ...card } : undefined
  const { confirmAccountNumber: _typedTwice, ...account } = bank
  return { kind: 'ach' as const, ...account }
}

/**
 * The checks only the browser can make (the contract checks the rest, the routing checksum
 * included): a card entered in the iFrame, and the account number typed the same twice. Keys are
 * the API's field paths (the method is `paymentMethod` in every public form).
 */
export function paymentMethodProblems({ method, card, cardProblem, bank }: PaymentMethodState): FieldErrors {
  if (method === 'on_file') return {}
  if (method === 'card') return card ? {} : { paymentMethod: cardProblem ?? 'Card number is required: enter the card number, expiry and security code.' }
  return bank.confirmAccountNumber.trim() === bank.accountNumber.trim() ? {} : { 'paymentMethod.confirmAccountNumber': 'does not match the account number' }
}

/** A bare reason gets its subject ("Card details is missing: …"); a whole sentence (a decline) stands alone. */
const withSubject = (subject: string, reason: string) => (/^[a-z]/.test(reason) ? `${subject} ${reason}` : reason)

const prefix = 'paymentMethod.'

/**
 * The method choice and its fields; `cardExtra` (a name on the card) sits above the iFrame;
 * `onFile` (e.g. "The Visa ending 1443") adds the choice of the method already on file.
 */
export function PaymentMethodFields(props: { state: PaymentMethodState; tokenizerUrl: string; errors: FieldErrors; cardExtra?: ReactNode; onFile?: string }) {
  const { state, errors } = props
  const { method, setMethod, card, cardProblem, bank, setBank } = state
  const whole = 'paymentMethod'
  const methodError = errors[whole] ?? errors[`${prefix}token`] ?? errors[`${prefix}expiry`]
  const set = (key: keyof BankDraft) => (value: string) => setBank({ ...bank, [key]: value })
  return (
    <>
      {/* Switching method takes the old one's error away (data-field: see useErrorsClearOnInput). */}
      <div className="method-choice" role="radiogroup" aria-label="Payment method" data-field="paymentMethod">
        {props.onFile && (
          <label className="inline">
            <input type="radio" name="method" checked={method === 'on_file'} onChange={() => setMethod('on_file')} /> {props.onFile} already on file
          </label>
        )}
        <label className="inline">
          <input type="radio" name="method" checked={method === 'card'} onChange={() => setMethod('card')} /> {props.onFile ? 'A new card' : 'Card'}
        </label>
        <label className="inline">
          <input type="radio" name="method" checked={method === 'ach'} onChange={() => setMethod('ach')} /> {props.onFile ? 'A new bank account (ACH)' : 'Bank account (ACH)'}
        </label>
      </div>
      {method === 'on_file' ? (
        errors[whole] && <p className="field-error">{withSubject('Payment method', errors[whole])}</p>
      ) : method === 'card' ? (
        <div className={`field stack${methodError ? ' has-error' : ''}`} data-field={whole}>
          {props.cardExtra}
          <p className="hint">Your card number goes straight to our payment processor; we never see it.</p>
          <iframe key={state.frameKey} id="tokenFrame" name="tokenFrame" title="Card details" src={props.tokenizerUrl} className="tokenizer" />
          {card && (
            <p className="ok" role="status">
              Card details received (ending {card.token.slice(-4)}).
            </p>
          )}
          {cardProblem && <p className="field-error">{cardProblem}</p>}
          {methodError && methodError !== cardProblem && (
            <p className="field-error" id="payment-error">
              {withSubject('Card details', methodError)}
            </p>
          )}
        </div>
      ) : (
        <div className="grid">
          <TextField label="Account holder name" name={`${prefix}holderName`} value={bank.holderName} onChange={set('holderName')} errors={errors} autoComplete="name" />
          <TextField label="Routing number" name={`${prefix}routingNumber`} inputMode="numeric" value={bank.routingNumber} onChange={set('routingNumber')} errors={errors} hint="9 digits" />
          <TextField label="Account number" name={`${prefix}accountNumber`} inputMode="numeric" value={bank.accountNumber} onChange={set('accountNumber')} errors={errors} autoComplete="off" />
          <TextField label="Confirm account number" name={`${prefix}confirmAccountNumber`} inputMode="numeric" value={bank.confirmAccountNumber} onChange={set('confirmAccountNumber')} errors={errors} autoComplete="off" />
          <SelectField label="Account type" name={`${prefix}accountType`} value={bank.accountType} onChange={set('accountType')} errors={errors} options={[{ value: 'checking', label: 'Checking' }, { value: 'savings', label: 'Savings' }]} />
          {errors[whole] && <p className="field-error">{withSubject('Bank account', errors[whole])}</p>}
        </div>
      )}
    </>
  )
}

/**
 * The payment pages' errors go as they are fixed: a field's as soon as it is changed
 * (`useErrorsClearOnInput`), the card's once the tokenizer holds a card.
 */
export function usePaymentErrorsClear(formRef: RefObject<HTMLFormElement | null>, card: CardToken | null, setErrors: Dispatch<SetStateAction<FieldErrors>>) {
  useErrorsClearOnInput(formRef, setErrors)
  useEffect(() => {
    if (card) setErrors((e) => withoutField(e, 'paymentMethod'))
  }, [card, setErrors])
}
