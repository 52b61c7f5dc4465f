import type { CompanyBrand } from '../email/layout.tsx'
import type { BuiltEmail } from '../quotes/quote-emails.ts'

/** The customer's "your technician is on the way" email (sent when the setting is on), as a pure function. */
export function onTheWayEmail(i: { brand: CompanyBrand; customerName: string; technicianName: string; description: string; address: string }): BuiltEmail {
  const company = i.brand.name
  const subject = `Your ${company} technician is on the way`.replace(/[\r\n]+/g, ' ')
  const call = i.brand.phone ? ` If you need to reach us, call ${i.brand.phone}.` : ''
  return {
    subject,
    content: {
      brand: i.brand,
      preview: `${i.technicianName} is on the way`,
      blocks: [
        { p: [`Hello ${i.customerName},`] },
        { p: [`${i.technicianName} is on the way to ${i.address} for: ${i.description}.${call}`] },
        { p: [`Thank you for choosing ${company}.`] },
      ],
    },
  }
}
