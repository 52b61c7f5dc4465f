import { z } from 'zod'
import type { CompanyFormat } from '../domain/formatting.ts'
import { isValidRoutingNumber } from '../domain/routing-number.ts'
import { optionalText, requiredText } from './common.ts'
import type { QuoteRevisionDto } from './quotes.ts'

/** The customer's hosted sign-up page (`/q/<token>`) and its public API. */

export const SignupTokenParams = z.object({
  token: z.string().max(200, { error: 'is not a valid link' }),
})

export const CardPaymentInput = z.object({
  kind: z.literal('card'),
  /** The gateway tokenizer's token; card numbers never reach us. */
  token: z.string({ error: 'is required: enter your card details' }).regex(/^[0-9A-Za-z]{12,40}$/, { error: 'is missing: enter your card details again' }),
  /** MMYY or YYYYMM, as the tokenizer gives it. */
  expiry: z.string({ error: 'is required' }).regex(/^(\d{4}|\d{6})$/, { error: 'must be the card expiry' }),
})

export const BankPaymentInput = z.object({
  kind: z.literal('ach'),
  routingNumber: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^\d{9}$/, { error: 'must be 9 digits' })
    // A mistyped routing number is the customer's to fix, named as such, not a gateway decline.
    .refine(isValidRoutingNumber, { error: 'is not valid: check its 9 digits (bottom left of a check)' }),
  accountNumber: z.string({ error: 'is required' }).trim().regex(/^\d{4,17}$/, { error: 'must be 4 to 17 digits' }),
  accountType: z.enum(['checking', 'savings'], { error: 'must be checking or savings' }),
  holderName: requiredText(100),
})

/** A card (tokenizer token) or a bank account to put on file, from a customer's page. */
export const NewPaymentMethodInput = z.discriminatedUnion('kind', [CardPaymentInput, BankPaymentInput], { error: 'is required: add a card or bank account' })

export const AcceptQuoteInput = z.object({
  optionId: z.string({ error: 'is required: choose an option' }).regex(/^qop_[0-9a-z]{26}$/, { error: 'is required: choose an option' }),
  signerName: requiredText(120),
  consent: z.literal(true, { error: 'must be ticked to sign' }),
  /** Separate, never pre-ticked consent to automatic renewal, when the chosen option offers it. */
  autoRenewConsent: z.boolean({ error: 'must be true or false' }).default(false),
  paymentMethod: NewPaymentMethodInput,
})
export type AcceptQuoteInput = z.infer<typeof AcceptQuoteInput>

export const DeclineQuoteInput = z.object({ reason: optionalText(1000).default('') })

/** What the hosted page shows. `open`: can sign; `accepted`/`declined`: already answered. */
export interface PublicQuoteView {
  state: 'open' | 'accepted' | 'declined'
  companyName: string
  /** The company's locale and time zone: the page writes dates as the office app and the e-mails do (it has no session). */
  format: CompanyFormat
  quoteNumber: number
  customerName: string
  revision: Omit<QuoteRevisionDto, 'recipientEmail'>
  /** The gateway's iFrame tokenizer page, to embed for card entry. */
  tokenizerUrl: string
  /** The tokenizer's origin: only its `message` events are trusted. */
  tokenizerOrigin: string
  acceptedOptionId: string | null
  agreementStatus: string | null
  /** The automatic-renewal terms of each option that offers it (by option id), shown beside its consent. */
  autoRenewTerms: Record<string, string>
}
