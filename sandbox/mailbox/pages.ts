import type { CapturedMail } from './store.ts'

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** CSP of the mailbox's own pages: no scripts at all; frames only from itself. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/**
 * CSP of a message's HTML part (served to the sandboxed iframe): no scripts, forms or plugins;
 * images load as the customer's mail client would show them.
 */
export const MESSAGE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src * data:; font-src data:; frame-ancestors 'self'"

const STYLE = `
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
  header { background: #1f3a5f; color: #fff; padding: .8rem 1.5rem; display: flex; gap: 1rem; align-items: baseline; }
  header h1 { font-size: 1.15rem; margin: 0; } header a { color: #cfe0ff; }
  main { max-width: 70rem; margin: 1.5rem auto; padding: 0 1.5rem; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #dde1e7; }
  th, td { text-align: left; padding: .55rem .8rem; border-bottom: 1px solid #eceff3; vertical-align: top; }
  th { font-size: .8rem; text-transform: uppercase; color: #5b6473; background: #fafbfc; }
  tr:hover td { background: #f3f7ff; } td.time { white-space: nowrap; color: #5b6473; }
  .empty { padding: 2rem; text-align: center; color: #5b6473; background: #fff; border: 1px solid #dde1e7; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; background: #fff; border: 1px solid #dde1e7; padding: 1rem; margin: 0 0 1rem; }
  dt { color: #5b6473; } dd { margin: 0; word-break: break-word; }
  iframe { width: 100%; height: 70vh; border: 1px solid #dde1e7; background: #fff; }
  pre { white-space: pre-wrap; background: #fff; border: 1px solid #dde1e7; padding: 1rem; }
  nav.parts { margin: 1rem 0 .5rem; display: flex; gap: 1rem; }
  ul.files { padding-left: 1.2rem; }`

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><h1>Servicebook mailbox</h1><span>local capture: nothing here reaches a real inbox</span><a href="/">All messages</a></header>
<main>${body}</main></body></html>`
}

const time = (iso: string) => escapeHtml(iso.replace('T', ' ').slice(0, 19) + ' UTC')

/** The list page: newest first. */
export function listPage(mails: CapturedMail[]): string {
  if (!mails.length) return layout('Mailbox', '<p class="empty">No messages yet. Mail sent to this capture shows up here (<a href="/">refresh</a>).</p>')
  const rows = mails
    .map(
      (m) => `<tr><td>${escapeHtml(m.to.join(', ') || m.envelope.to.join(', '))}</td>
<td><a href="/messages/${escapeHtml(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a>${m.attachments.length ? ` <span title="attachments">📎 ${m.attachments.length}</span>` : ''}</td>
<td class="time">${time(m.receivedAt)}</td></tr>`,
    )
    .join('\n')
  return layout(
    `Mailbox (${mails.length})`,
    `<p>${mails.length} message${mails.length === 1 ? '' : 's'} · <a href="/">refresh</a> · <a href="/api/messages">JSON</a></p>
<table><thead><tr><th>To</th><th>Subject</th><th>Received</th></tr></thead><tbody>${rows}</tbody></table>`,
  )
}

/** One message: headers, the HTML part in a sandboxed iframe (or the text part), attachments. */
export function messagePage(m: CapturedMail, show: 'html' | 'text'): string {
  const id = escapeHtml(m.id)
  const view = show === 'html' && m.html !== null ? 'html' : 'text'
  const files = m.attachments.length
    ? `<dt>Attachments</dt><dd><ul class="files">${m.attachments
        .map((a) => `<li><a href="/api/messages/${id}/attachments/${a.index}">${escapeHtml(a.filename)}</a> (${escapeHtml(a.contentType)}, ${a.size} bytes)</li>`)
        .join('')}</ul></dd>`
    : ''
  const parts = `<nav class="parts">${m.html !== null ? `<a href="/messages/${id}">HTML</a>` : ''}<a href="/messages/${id}?part=text">Plain text</a><a href="/api/messages/${id}/raw">Raw .eml</a></nav>`
  const content =
    view === 'html'
      ? `<iframe sandbox title="HTML part" src="/messages/${id}/html" referrerpolicy="no-referrer"></iframe>`
      : `<pre>${escapeHtml(m.text ?? '(no plain-text part)')}</pre>`
  return layout(
    m.subject || '(no subject)',
    `<dl><dt>Subject</dt><dd>${escapeHtml(m.subject || '(no subject)')}</dd>
<dt>From</dt><dd>${escapeHtml(m.from)}</dd>${m.replyTo ? `\n<dt>Reply-To</dt><dd>${escapeHtml(m.replyTo)}</dd>` : ''}
<dt>To</dt><dd>${escapeHtml(m.to.join(', '))}</dd>
<dt>Envelope</dt><dd>${escapeHtml(m.envelope.from)} → ${escapeHtml(m.envelope.to.join(', '))}</dd>
<dt>Received</dt><dd>${time(m.receivedAt)}</dd>${files}</dl>${parts}${content}`,
  )
}

export function notFoundPage(): string {
  return layout('Not found', '<p class="empty">No such message. <a href="/">Back to the mailbox</a></p>')
}
