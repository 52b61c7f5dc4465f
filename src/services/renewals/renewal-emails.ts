import { dayBeforeIso } from '../../domain/iso-date.ts'
import { formatUsd } from '../../domain/money.ts'
import { dateText } from '../../domain/quote-text.ts'
import { everyText } from '../../domain/renewal-terms.ts'
import type { Block, CompanyBrand } from '../email/layout.tsx'
import { oneLine, type BuiltEmail } from '../quotes/quote-emails.ts'

/**
 * The customer emails of renewals and closing, as pure functions (subject, HTML, text). Every
 * one that concerns an auto-renewing agreement carries the link to turn automatic renewal off
 * online (California BPC §17602), and says what happens next in plain words.
 */

export interface NextTermText {
  startDate: string
  termMonths: number | null
  intervalMonths: number
  perBillCents: number
  oldPerBillCents: number
  changeText: string
}

export interface RenewalOfferEmailInput {
  kind: 'notice' | 'quote' | 'reminder' | 'auto_renew_notice'
  brand: CompanyBrand
  customerName: string
  agreementNumber: number
  agreementName: string
  /** The current term's last day (null: it has ended already). */
  lastDay: string
  autoRenew: boolean
  next: NextTermText
  renewLink: string | null
  manageLink: string | null
}

const priceLine = (n: NextTermText) =>
  `${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}${n.perBillCents !== n.oldPerBillCents ? ` (now ${formatUsd(n.oldPerBillCents)}: ${n.changeText})` : ' (the same price as now)'}`

const termLine = (n: NextTermText, locale: string) => `${n.termMonths ? `another ${n.termMonths}-month term` : 'another term'} from ${dateText(n.startDate, locale)}`

/** A renewal notice, a renewal quote, a scheduled reminder or the auto-renewal notice. */
export function renewalOfferEmail(i: RenewalOfferEmailInput): BuiltEmail {
  const n = i.next
  const company = i.brand.name
  const ref = `#${i.agreementNumber} (${i.agreementName})`
  const subject = oneLine(
    i.kind === 'quote'
      ? `Your renewal quote for service agreement #${i.agreementNumber} from ${company}`
      : i.autoRenew
        ? `Your service agreement #${i.agreementNumber} with ${company} renews automatically on ${dateText(n.startDate, i.brand.locale)}`
        : `Your service agreement #${i.agreementNumber} with ${company} ends on ${dateText(i.lastDay, i.brand.locale)}`,
  )
  const what: Block[] = i.autoRenew
    ? [
        { p: [`It `, { b: 'renews automatically' }, ` for ${termLine(n, i.brand.locale)} at `, { b: priceLine(n) }, `, charged to your payment method on file. You do not need to do anything.`] },
        { p: [`If you do not want it to renew, turn off automatic renewal online (no call needed) before ${dateText(i.lastDay, i.brand.locale)}; your agreement then simply ends after that day.`] },
      ]
    : [
        { p: ['After that day your service visits and billing stop unless you renew.'] },
        { p: [`${i.kind === 'quote' ? 'Our renewal quote' : 'Renew'}: ${termLine(n, i.brand.locale)} at `, { b: priceLine(n) }, `, with the card or bank account already on file or a new one.`] },
      ]
  const off = i.manageLink ? { a: 'Turn off automatic renewal', href: i.manageLink } : null
  const blocks: Block[] = [
    { p: [`Hello ${i.customerName},`] },
    { p: [i.kind === 'quote' ? `Here is our renewal quote for your service agreement ${ref}. It runs through ${dateText(i.lastDay, i.brand.locale)}.` : `Your service agreement ${ref} runs through ${dateText(i.lastDay, i.brand.locale)}.`] },
    ...what,
    ...(i.renewLink ? [{ button: i.kind === 'quote' ? 'Review and accept the renewal' : 'Renew my agreement', href: i.renewLink }] : []),
    ...(off ? [{ button: off.a, href: off.href }] : []),
    { note: ['These links are personal to you; do not forward them.'] },
  ]
  return { subject, content: { brand: i.brand, preview: subject, blocks, ...(off ? { footerLinks: [off] } : {}) } }
}

export interface RenewedEmailInput {
  brand: CompanyBrand
  customerName: string
  agreementNumber: number
  agreementName: string
  next: NextTermText & { endDate: string | null }
  paidWith: string
  how: 'accepted' | 'auto_renewed'
  /** The automatic-renewal terms the customer consented to (the acknowledgment), or null. */
  autoRenewTerms: string | null
  manageLink: string | null
}

/** The renewal is done: the new term, its price and payment method; the acknowledgment of auto-renewal terms when consented. */
export function renewedEmail(i: RenewedEmailInput): BuiltEmail {
  const n = i.next
  const subject = oneLine(`Your service agreement with ${i.brand.name} is renewed (#${i.agreementNumber})`)
  const until = n.endDate ? ` through ${dateText(dayBeforeIso(n.endDate), i.brand.locale)}` : ''
  const body =
    i.how === 'accepted'
      ? `Thank you: your renewal is confirmed. Agreement #${i.agreementNumber} (${i.agreementName}) continues from ${dateText(n.startDate, i.brand.locale)}${until} at ${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}, billed to ${i.paidWith}. Your current term carries on until then, so there is no gap and nothing is billed twice.`
      : `Agreement #${i.agreementNumber} (${i.agreementName}) renewed automatically, as agreed: it continues from ${dateText(n.startDate, i.brand.locale)}${until} at ${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}, billed to ${i.paidWith}.`
  const off = i.manageLink ? { a: 'Turn off automatic renewal', href: i.manageLink } : null
  const blocks: Block[] = [
    { p: [`Hello ${i.customerName},`] },
    { p: [body] },
    ...(i.autoRenewTerms ? [{ box: i.autoRenewTerms, title: 'Automatic renewal' }] : []),
    ...(off ? [{ button: off.a, href: off.href }] : []),
  ]
  return { subject, content: { brand: i.brand, preview: subject, blocks, ...(off ? { footerLinks: [off] } : {}) } }
}

/** Confirms the customer turned automatic renewal off (sent at once; the law asks for an acknowledgment). */
export function autoRenewOffEmail(i: { brand: CompanyBrand; customerName: string; agreementNumber: number; agreementName: string; lastDay: string }): BuiltEmail {
  const body = `Automatic renewal of your service agreement #${i.agreementNumber} (${i.agreementName}) is now off. Nothing more will renew: the agreement runs through ${dateText(i.lastDay, i.brand.locale)} and then ends. If you change your mind, contact us before then.`
  return {
    subject: oneLine(`Automatic renewal is off for agreement #${i.agreementNumber}`),
    content: { brand: i.brand, preview: 'Automatic renewal is now off', blocks: [{ p: [`Hello ${i.customerName},`] }, { p: [body] }] },
  }
}

/** The agreement is closed (now) or will close (end of period): when service stops, and any refund. */
export function agreementClosedEmail(i: {
  brand: CompanyBrand
  customerName: string
  agreementNumber: number
  agreementName: string
  lastServiceDay: string
  now: boolean
  refundCents: number
  refundedTo: string | null
}): BuiltEmail {
  const when = i.now ? `is closed as of ${dateText(i.lastServiceDay, i.brand.locale)}` : `will end after ${dateText(i.lastServiceDay, i.brand.locale)}, the end of the current billing period`
  const refund = i.refundCents > 0 ? ` A refund of ${formatUsd(i.refundCents)} for the unused part was sent${i.refundedTo ? ` to ${i.refundedTo}` : ''}; banks take a few days to show it.` : ''
  const body = `Your service agreement #${i.agreementNumber} (${i.agreementName}) ${when}, as requested. Nothing more will be billed after that and the remaining visits are cancelled.${refund}`
  const subject = oneLine(`Your service agreement #${i.agreementNumber} with ${i.brand.name} ${i.now ? 'is closed' : 'will end'}`)
  return {
    subject,
    content: { brand: i.brand, preview: subject, blocks: [{ p: [`Hello ${i.customerName},`] }, { p: [body] }, { p: [`Thank you for choosing ${i.brand.name}.`] }] },
  }
}
