import type { QuoteRevisionDto } from '../../contracts/quotes.ts'
import { dateText, perPeriodText, quoteLabel, termText, usd, visitsText } from '../../domain/quote-text.ts'
import { esc } from '../email/html.ts'
import { localDateTimeText } from '../../domain/time-zone.ts'

/**
 * The emails of the quote → sign-up → approval flow, as pure functions: subject, HTML and
 * plain text. Every piece of user-entered text goes through `esc` in the HTML part.
 */

export interface BuiltEmail {
  subject: string
  html: string
  text: string
}

/** Subjects are one line: user text with line breaks must not inject headers. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim()

export function layout(companyName: string, bodyHtml: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5;max-width:640px;margin:0 auto;padding:16px">
<p style="font-size:20px;font-weight:bold;margin:0 0 16px">${esc(companyName)}</p>
${bodyHtml}
</body></html>`
}

export interface QuoteSentEmailInput {
  companyName: string
  customerName: string
  quoteNumber: number
  revision: QuoteRevisionDto
  link: string
}

/** The quote email: a summary of each option, the secure link; the PDF goes as an attachment. */
export function quoteSentEmail(i: QuoteSentEmailInput): BuiltEmail {
  const r = i.revision
  const label = quoteLabel(i.quoteNumber)
  const subject = oneLine(`Your quote ${label} from ${i.companyName}${r.revision > 1 ? ` (revised)` : ''}`)
  const optionsHtml = r.options
    .map(
      (o) => `<li style="margin-bottom:8px"><strong>${esc(o.name)}</strong>: ${esc(usd(o.totals.perPeriod.totalCents))} ${esc(perPeriodText(o))}` +
        ` · ${esc(termText(o.termMonths))} · ${esc(visitsText(o))}</li>`,
    )
    .join('\n')
  const html = layout(
    i.companyName,
    `<p>Hello ${esc(i.customerName)},</p>
<p>Here is your service agreement quote ${esc(label)}${r.title ? `: ${esc(r.title)}` : ''}. It is attached as a PDF.</p>
<ul>${optionsHtml}</ul>
<p>The offer is valid until ${esc(dateText(r.expiresOn))}. To review it, choose an option and sign up, open your secure link:</p>
<p><a href="${esc(i.link)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Review and sign up</a></p>
<p style="font-size:12px;color:#52606d">Or paste this address into your browser: ${esc(i.link)}<br>This link is personal to you; do not forward it.</p>`,
  )
  const text = [
    `Hello ${i.customerName},`,
    '',
    `Here is your service agreement quote ${label}${r.title ? `: ${r.title}` : ''} from ${i.companyName}. It is attached as a PDF.`,
    '',
    ...r.options.map((o) => `- ${o.name}: ${usd(o.totals.perPeriod.totalCents)} ${perPeriodText(o)}; ${termText(o.termMonths)}; ${visitsText(o)}`),
    '',
    `The offer is valid until ${dateText(r.expiresOn)}. Review it, choose an option and sign up here:`,
    i.link,
    '',
    'This link is personal to you; do not forward it.',
  ].join('\n')
  return { subject, html, text }
}

export interface OfficeAcceptedEmailInput {
  companyName: string
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
  const html = layout(
    i.companyName,
    `<p>${esc(i.customerName)} accepted quote ${esc(label)} (${esc(i.optionName)}) and put a payment method on file.</p>
<p>Agreement #${i.agreementNumber} is waiting for your approval: <a href="${esc(i.link)}">${esc(i.link)}</a></p>`,
  )
  const text = `${i.customerName} accepted quote ${label} (${i.optionName}) and put a payment method on file.\n\nAgreement #${i.agreementNumber} is waiting for your approval:\n${i.link}\n`
  return { subject, html, text }
}

export interface AgreementDecisionEmailInput {
  companyName: string
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
  if (i.decision === 'approved') {
    const subject = oneLine(`Your service agreement with ${i.companyName} is active`)
    const visit = i.firstWindow ? `Your first visit is planned between ${dateText(i.firstWindow.windowStart)} and ${dateText(i.firstWindow.windowEnd)}; we will confirm the day.` : ''
    const html = layout(
      i.companyName,
      `<p>Hello ${esc(i.customerName)},</p>
<p>Your service agreement #${i.agreementNumber} (${esc(i.agreementName)}) is approved and active from ${esc(dateText(i.startDate))}. Billing to your payment method on file follows the schedule you accepted.</p>
${visit ? `<p>${esc(visit)}</p>` : ''}<p>Thank you for choosing ${esc(i.companyName)}.</p>`,
    )
    const text = `Hello ${i.customerName},\n\nYour service agreement #${i.agreementNumber} (${i.agreementName}) is approved and active from ${dateText(i.startDate)}. Billing to your payment method on file follows the schedule you accepted.\n${visit ? `\n${visit}\n` : ''}\nThank you for choosing ${i.companyName}.\n`
    return { subject, html, text }
  }
  const subject = oneLine(`About your sign-up with ${i.companyName}`)
  const reason = i.reason ?? ''
  const html = layout(
    i.companyName,
    `<p>Hello ${esc(i.customerName)},</p>
<p>We could not approve your sign-up for service agreement #${i.agreementNumber} (${esc(i.agreementName)}). Nothing will be charged.</p>
<p>Reason: ${esc(reason)}</p><p>Please contact us if you have questions.</p>`,
  )
  const text = `Hello ${i.customerName},\n\nWe could not approve your sign-up for service agreement #${i.agreementNumber} (${i.agreementName}). Nothing will be charged.\n\nReason: ${reason}\n\nPlease contact us if you have questions.\n`
  return { subject, html, text }
}

export interface SignupReceivedEmailInput {
  companyName: string
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
  const when = localDateTimeText(i.signedAt, i.timeZone)
  const html = layout(
    i.companyName,
    `<p>Hello ${esc(i.customerName)},</p>
<p>Thank you for signing up for <strong>${esc(i.optionName)}</strong> (${esc(i.perBill)}) from quote ${esc(label)}.
${esc(i.companyName)} will review it and email you when your agreement is approved. Nothing is charged before then.</p>
${i.autoRenewTerms ? `<p style="border:1px solid #9aa5b1;padding:8px"><strong>You agreed to automatic renewal</strong><br>${esc(i.autoRenewTerms)}${i.manageLink ? `<br><a href="${esc(i.manageLink)}">Turn off automatic renewal</a>` : ''}</p>` : ''}
<p style="font-size:12px;color:#52606d">Signed by ${esc(i.signerName)} on ${esc(when)}. Document fingerprint (SHA-256): ${esc(i.documentSha256)}.<br>
The quote you accepted, with its terms, is attached.</p>`,
  )
  const text = [
    `Hello ${i.customerName},`,
    '',
    `Thank you for signing up for ${i.optionName} (${i.perBill}) from quote ${label}. ${i.companyName} will review it and email you when your agreement is approved. Nothing is charged before then.`,
    '',
    ...(i.autoRenewTerms ? [`You agreed to automatic renewal. ${i.autoRenewTerms}`, ...(i.manageLink ? [`Turn off automatic renewal online: ${i.manageLink}`] : []), ''] : []),
    `Signed by ${i.signerName} on ${when}. Document fingerprint (SHA-256): ${i.documentSha256}.`,
    'The quote you accepted, with its terms, is attached.',
  ].join('\n')
  return { subject, html, text }
}
