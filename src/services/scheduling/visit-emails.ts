import { esc } from '../email/html.ts'

/** The customer's "your technician is on the way" email (sent when the setting is on), as a pure function. */
export function onTheWayEmail(i: { companyName: string; customerName: string; technicianName: string; description: string; address: string; companyPhone: string | null }) {
  const subject = `Your ${i.companyName} technician is on the way`.replace(/[\r\n]+/g, ' ')
  const call = i.companyPhone ? ` If you need to reach us, call ${i.companyPhone}.` : ''
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5;max-width:640px;margin:0 auto;padding:16px">
<p style="font-size:20px;font-weight:bold;margin:0 0 16px">${esc(i.companyName)}</p>
<p>Hello ${esc(i.customerName)},</p>
<p>${esc(i.technicianName)} is on the way to ${esc(i.address)} for: ${esc(i.description)}.${esc(call)}</p>
<p>Thank you for choosing ${esc(i.companyName)}.</p>
</body></html>`
  const text = `Hello ${i.customerName},\n\n${i.technicianName} is on the way to ${i.address} for: ${i.description}.${call}\n\nThank you for choosing ${i.companyName}.\n`
  return { subject, html, text }
}
