/**
 * The one layout of every e-mail Servicebook sends (React Email: tables and inline styles that
 * mail clients render, responsive to a phone's width). An e-mail is `EmailContent`: the company's
 * brand (header with logo and name, footer with address and phone) and a list of plain-data
 * blocks. The same content gives the HTML part (`renderEmailHtml`, React) and the plain-text part
 * (`emailText`, cheap and synchronous). Content is JSON, so the outbox can keep it and draw the
 * HTML when it sends (a billing run queues 100,000 receipts without rendering them in its
 * transactions). Text is escaped by React; no block takes HTML.
 */

import type { EmailContent, Inline } from './email-content.ts'

export type { Block, CompanyBrand, EmailContent, Inline } from './email-content.ts'

/** The HTML part of an e-mail (email-html.tsx, React Email; loaded at the first e-mail drawn). */
export async function renderEmailHtml(content: EmailContent): Promise<string> {
  return (await import('./email-html.tsx')).renderHtml(content)
}

const inlineText = (parts: Inline[]) => parts.map((p) => (typeof p === 'string' ? p : 'b' in p ? p.b : `${p.a} (${p.href})`)).join('')

/** The plain-text part of an e-mail: the same header, blocks and footer, as text. */
export function emailText(content: EmailContent): string {
  const { brand } = content
  const blocks = content.blocks.map((b) => {
    if ('p' in b) return inlineText(b.p)
    if ('note' in b) return inlineText(b.note)
    if ('button' in b) return `${b.button}: ${b.href}`
    if ('box' in b) return [b.title, b.box, b.link ? `${b.link.a}: ${b.link.href}` : null].filter(Boolean).join('\n')
    if ('list' in b) return b.list.map((item) => `- ${inlineText(item)}`).join('\n')
    return b.rows.map(([label, value]) => `${label}: ${value}`).join('\n')
  })
  const footer = [brand.name, ...brand.address, [brand.phone, brand.email].filter(Boolean).join(' · '), ...(content.footerLinks ?? []).map((l) => `${l.a}: ${l.href}`)].filter(Boolean)
  return [brand.name, '', blocks.join('\n\n'), '', '--', footer.join('\n'), ''].join('\n')
}

/** Both parts. */
export async function renderEmail(content: EmailContent): Promise<{ html: string; text: string }> {
  return { html: await renderEmailHtml(content), text: emailText(content) }
}
