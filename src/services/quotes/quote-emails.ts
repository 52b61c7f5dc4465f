import type { QuoteRevisionDto } from '../../contracts/quotes.ts'
import { dateText, perPeriodText, quoteLabel, termText, usd, visitsText } from '../../domain/quote-text.ts'
import { formatDateTime } from '../../domain/formatting.ts'
import type { Block, CompanyBrand, EmailContent } from '../email/layout.tsx'

/**
 * The emails of the quote → sign-up → approval flow, as pure functions: the subject and the
 * content in the one e-mail layout (services/email/layout.tsx draws its HTML and text parts).
 */

export interface BuiltEmail {
  subject: string
  content: EmailContent
}

/** Subjects are one line: user text with line breaks must not inject headers. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim()

export interface QuoteSentEmailInput {
  brand: CompanyBrand
  customerName: string
  quoteNumber: number
  revision: QuoteRevisionDto
  link: string
}

/** The quote email: a summary of each option, the secure link; the PDF goes as an attachment. */
export function quoteSentEmail(i: QuoteSentEmailInput): BuiltEmail {
  const r = i.revision
  const label = quoteLabel(i.quoteNumber)
  const company = i.brand.name
  const subject = oneLine(`Your quote ${label} from ${company}${r.revision > 1 ? ` (revised)` : ''}`)
  const blocks: Block[] = [
    { p: [`Hello ${i.customerName},`] },
    { p: [`Here is your service agreement quote ${label}${r.title ? `: ${r.title}` : ''} from ${company}. It is attached as a PDF.`] },
    { list: r.options.map((o) => [{ b: o.name }, `: ${usd(o.totals.perPeriod.totalCents)} ${perPeriodText(o)}; ${termText(o.termMonths)}; ${visitsText(o)}`]) },
    { p: [`The offer is valid until ${dateText(r.expiresOn, i.brand.locale)}. To review it, choose an option and sign up, open your secure link:`] },
    { button: 'Review and sign up', href: i.link },
    { note: [`Or paste this address into your browser: ${i.link}. This link is personal to you; do not forward it.`] },
  ]
  return { subject, content: { brand: i.brand, preview: `Your quote ${label}, valid until ${dateText(r.expiresOn, i.brand.locale)}`, blocks } }
}

export interface OfficeAcceptedEmailInput {
  brand: CompanyBrand
  customerName: string
  quoteNumber: number
  optionName: string
  agreementNumber: number
  link: string
}

/** Tells the office a customer signed up and an agreement waits for approval. */
export function officeAcceptedEmail(i: OfficeAcceptedEmailInput): BuiltEmail {
  const label = quoteLabel(i.quoteNumber)
  const subject = oneLine(`Sign-up to approve: ${i.customerName} accepted ${label}`)
  const blocks: Block[] = [
    { p: [`${i.customerName} accepted quote ${label} (${i.optionName}) and put a payment method on file.`] },
    { p: [`Agreement #${i.agreementNumber} is waiting for your approval.`] },
    { button: 'Review the sign-up', href: i.link },
  ]
  return { subject, content: { brand: i.brand, preview: `Agreement #${i.agreementNumber} is waiting for your approval`, blocks } }
}

export interface AgreementDecisionEmailInput {
  brand: CompanyBrand
  customerName: string
  agreementNumber: number
  agreementName: string
  decision: 'approved' | 'rejected'
  reason?: string
  startDate: string
  firstWindow?: { windowStart: string; windowEnd: string } | null
}

/** Tells the customer the office approved (agreement active) or rejected (with the reason) their sign-up. */
export function agreementDecisionEmail(i: AgreementDecisionEmailInput): BuiltEmail {
  const company = i.brand.name
  if (i.decision === 'approved') {
    const subject = oneLine(`Your service agreement with ${company} is active`)
    const visit = i.firstWindow ? `Your first visit is planned between ${dateText(i.firstWindow.windowStart, i.brand.locale)} and ${dateText(i.firstWindow.windowEnd, i.brand.locale)}; we will confirm the day.` : ''
    const blocks: Block[] = [
      { p: [`Hello ${i.customerName},`] },
      { p: [`Your service agreement #${i.agreementNumber} (${i.agreementName}) is approved and active from ${dateText(i.startDate, i.brand.locale)}. Billing to your payment method on file follows the schedule you accepted.`] },
      ...(visit ? [{ p: [visit] }] : []),
      { p: [`Thank you for choosing ${company}.`] },
    ]
    return { subject, content: { brand: i.brand, preview: `Agreement #${i.agreementNumber} is active from ${dateText(i.startDate, i.brand.locale)}`, blocks } }
  }
  const subject = oneLine(`About your sign-up with ${company}`)
  const blocks: Block[] = [
    { p: [`Hello ${i.customerName},`] },
    { p: [`We could not approve your sign-up for service agreement #${i.agreementNumber} (${i.agreementName}). Nothing will be charged.`] },
    { p: [`Reason: ${i.reason ?? ''}`] },
    { p: ['Please contact us if you have questions.'] },
  ]
  return { subject, content: { brand: i.brand, preview: 'We could not approve your sign-up. Nothing will be charged.', blocks } }
}

export interface SignupReceivedEmailInput {
  brand: CompanyBrand
  customerName: string
  quoteNumber: number
  optionName: string
  perBill: string
  signerName: string
  signedAt: Date
  /** The company's time zone: the signing time is told in it. */
  timeZone: string
  documentSha256: string
  /** The automatic-renewal terms consented to (the acknowledgment the law asks for), or null. */
  autoRenewTerms?: string | null
  /** Where the customer turns automatic renewal off online. */
  manageLink?: string | null
}

/** The customer's copy of what they signed (the quote PDF goes as an attachment). */
export function signupReceivedEmail(i: SignupReceivedEmailInput): BuiltEmail {
  const label = quoteLabel(i.quoteNumber)
  const subject = oneLine(`We received your sign-up for quote ${label}`)
  const when = formatDateTime(i.signedAt, { locale: i.brand.locale, timeZone: i.timeZone })
  const off = i.manageLink ? { a: 'Turn off automatic renewal', href: i.manageLink } : undefined
  const blocks: Block[] = [
    { p: [`Hello ${i.customerName},`] },
    { p: [`Thank you for signing up for `, { b: i.optionName }, ` (${i.perBill}) from quote ${label}. ${i.brand.name} will review it and email you when your agreement is approved. Nothing is charged before then.`] },
    ...(i.autoRenewTerms ? [{ box: i.autoRenewTerms, title: 'You agreed to automatic renewal.', ...(off ? { link: off } : {}) }] : []),
    { note: [`Signed by ${i.signerName} on ${when}. Document fingerprint (SHA-256): ${i.documentSha256}.`] },
    { note: ['The quote you accepted, with its terms, is attached.'] },
  ]
  return { subject, content: { brand: i.brand, preview: `We received your sign-up for quote ${label}`, blocks, ...(off && i.autoRenewTerms ? { footerLinks: [off] } : {}) } }
}
