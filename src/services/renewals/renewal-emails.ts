import { dayBeforeIso } from '../../domain/iso-date.ts'
import { formatUsd } from '../../domain/money.ts'
import { dateText } from '../../domain/quote-text.ts'
import { everyText } from '../../domain/renewal-terms.ts'
import { esc } from '../email/html.ts'
import { layout, oneLine, type BuiltEmail } from '../quotes/quote-emails.ts'

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
  companyName: string
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

const button = (href: string, label: string) =>
  `<p><a href="${esc(href)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${esc(label)}</a></p>`

const priceLine = (n: NextTermText) =>
  `${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}${n.perBillCents !== n.oldPerBillCents ? ` (now ${formatUsd(n.oldPerBillCents)}: ${n.changeText})` : ' (the same price as now)'}`

const termLine = (n: NextTermText) => `${n.termMonths ? `another ${n.termMonths}-month term` : 'another term'} from ${dateText(n.startDate)}`

/** A renewal notice, a renewal quote, a scheduled reminder or the auto-renewal notice. */
export function renewalOfferEmail(i: RenewalOfferEmailInput): BuiltEmail {
  const n = i.next
  const ref = `#${i.agreementNumber} (${i.agreementName})`
  const subject = oneLine(
    i.kind === 'quote'
      ? `Your renewal quote for service agreement #${i.agreementNumber} from ${i.companyName}`
      : i.autoRenew
        ? `Your service agreement #${i.agreementNumber} with ${i.companyName} renews automatically on ${dateText(n.startDate)}`
        : `Your service agreement #${i.agreementNumber} with ${i.companyName} ends on ${dateText(i.lastDay)}`,
  )
  const what: string[] = []
  const whatHtml: string[] = []
  if (i.autoRenew) {
    what.push(`It renews automatically for ${termLine(n)} at ${priceLine(n)}, charged to your payment method on file. You do not need to do anything.`)
    what.push(`If you do not want it to renew, turn off automatic renewal online (no call needed) before ${dateText(i.lastDay)}; your agreement then simply ends after that day:`)
    whatHtml.push(`<p>It <strong>renews automatically</strong> for ${esc(termLine(n))} at <strong>${esc(priceLine(n))}</strong>, charged to your payment method on file. You do not need to do anything.</p>`)
    whatHtml.push(`<p>If you do not want it to renew, turn off automatic renewal online (no call needed) before ${esc(dateText(i.lastDay))}; your agreement then simply ends after that day.</p>`)
  } else {
    what.push(`After that day your service visits and billing stop unless you renew.`)
    what.push(`Renew for ${termLine(n)} at ${priceLine(n)}, with the card or bank account already on file or a new one:`)
    whatHtml.push(`<p>After that day your service visits and billing stop unless you renew.</p>`)
    whatHtml.push(`<p>${i.kind === 'quote' ? 'Our renewal quote' : 'Renew'}: ${esc(termLine(n))} at <strong>${esc(priceLine(n))}</strong>, with the card or bank account already on file or a new one.</p>`)
  }
  const intro = i.kind === 'quote' ? `Here is our renewal quote for your service agreement ${ref}.` : `Your service agreement ${ref} runs through ${dateText(i.lastDay)}.`
  const introHtml = i.kind === 'quote' ? `<p>Here is our renewal quote for your service agreement ${esc(ref)}. It runs through ${esc(dateText(i.lastDay))}.</p>` : `<p>Your service agreement ${esc(ref)} runs through ${esc(dateText(i.lastDay))}.</p>`
  const links = [
    ...(i.renewLink ? [button(i.renewLink, i.kind === 'quote' ? 'Review and accept the renewal' : 'Renew my agreement')] : []),
    ...(i.manageLink ? [button(i.manageLink, 'Turn off automatic renewal')] : []),
  ]
  const html = layout(
    i.companyName,
    `<p>Hello ${esc(i.customerName)},</p>\n${introHtml}\n${whatHtml.join('\n')}\n${links.join('\n')}
<p style="font-size:12px;color:#52606d">These links are personal to you; do not forward them.</p><p>${esc(i.companyName)}</p>`,
  )
  const text = [
    `Hello ${i.customerName},`,
    '',
    i.kind === 'quote' ? `${intro} It runs through ${dateText(i.lastDay)}.` : intro,
    '',
    ...what,
    ...(i.renewLink ? [i.renewLink] : []),
    ...(i.manageLink ? [`Turn off automatic renewal: ${i.manageLink}`] : []),
    '',
    'These links are personal to you; do not forward them.',
    '',
    i.companyName,
  ].join('\n')
  return { subject, html, text }
}

export interface RenewedEmailInput {
  companyName: string
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
  const subject = oneLine(`Your service agreement with ${i.companyName} is renewed (#${i.agreementNumber})`)
  const until = n.endDate ? ` through ${dateText(dayBeforeIso(n.endDate))}` : ''
  const body =
    i.how === 'accepted'
      ? `Thank you: your renewal is confirmed. Agreement #${i.agreementNumber} (${i.agreementName}) continues from ${dateText(n.startDate)}${until} at ${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}, billed to ${i.paidWith}. Your current term carries on until then, so there is no gap and nothing is billed twice.`
      : `Agreement #${i.agreementNumber} (${i.agreementName}) renewed automatically, as agreed: it continues from ${dateText(n.startDate)}${until} at ${formatUsd(n.perBillCents)} ${everyText(n.intervalMonths)}, billed to ${i.paidWith}.`
  const html = layout(
    i.companyName,
    `<p>Hello ${esc(i.customerName)},</p><p>${esc(body)}</p>
${i.autoRenewTerms ? `<p style="border:1px solid #9aa5b1;padding:8px"><strong>Automatic renewal</strong><br>${esc(i.autoRenewTerms)}</p>` : ''}
${i.manageLink ? button(i.manageLink, 'Turn off automatic renewal') : ''}<p>${esc(i.companyName)}</p>`,
  )
  const text = [
    `Hello ${i.customerName},`,
    '',
    body,
    ...(i.autoRenewTerms ? ['', i.autoRenewTerms] : []),
    ...(i.manageLink ? ['', `Turn off automatic renewal online: ${i.manageLink}`] : []),
    '',
    i.companyName,
  ].join('\n')
  return { subject, html, text }
}

/** Confirms the customer turned automatic renewal off (sent at once; the law asks for an acknowledgment). */
export function autoRenewOffEmail(i: { companyName: string; customerName: string; agreementNumber: number; agreementName: string; lastDay: string }): BuiltEmail {
  const body = `Automatic renewal of your service agreement #${i.agreementNumber} (${i.agreementName}) is now off. Nothing more will renew: the agreement runs through ${dateText(i.lastDay)} and then ends. If you change your mind, contact us before then.`
  return {
    subject: oneLine(`Automatic renewal is off for agreement #${i.agreementNumber}`),
    html: layout(i.companyName, `<p>Hello ${esc(i.customerName)},</p><p>${esc(body)}</p><p>${esc(i.companyName)}</p>`),
    text: `Hello ${i.customerName},\n\n${body}\n\n${i.companyName}\n`,
  }
}

/** The agreement is closed (now) or will close (end of period): when service stops, and any refund. */
export function agreementClosedEmail(i: {
  companyName: string
  customerName: string
  agreementNumber: number
  agreementName: string
  lastServiceDay: string
  now: boolean
  refundCents: number
  refundedTo: string | null
}): BuiltEmail {
  const when = i.now ? `is closed as of ${dateText(i.lastServiceDay)}` : `will end after ${dateText(i.lastServiceDay)}, the end of the current billing period`
  const refund = i.refundCents > 0 ? ` A refund of ${formatUsd(i.refundCents)} for the unused part was sent${i.refundedTo ? ` to ${i.refundedTo}` : ''}; banks take a few days to show it.` : ''
  const body = `Your service agreement #${i.agreementNumber} (${i.agreementName}) ${when}, as requested. Nothing more will be billed after that and the remaining visits are cancelled.${refund}`
  return {
    subject: oneLine(`Your service agreement #${i.agreementNumber} with ${i.companyName} ${i.now ? 'is closed' : 'will end'}`),
    html: layout(i.companyName, `<p>Hello ${esc(i.customerName)},</p><p>${esc(body)}</p><p>Thank you for choosing ${esc(i.companyName)}.</p>`),
    text: `Hello ${i.customerName},\n\n${body}\n\nThank you for choosing ${i.companyName}.\n`,
  }
}
