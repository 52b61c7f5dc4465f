// What an e-mail says, as plain data (layout.tsx draws it: email-html.tsx the HTML part, layout.tsx
// the text part). Its own module so that the HTML drawing, loaded lazily, shares these types
// with layout.tsx without an import circle.

/** The company as its e-mails show it (company settings; see `loadBrand`). */
export interface CompanyBrand {
  name: string
  /** Absolute URL of the logo image, or null when none is set. */
  logoUrl: string | null
  /** Postal address, one entry per line. */
  address: string[]
  phone: string | null
  email: string | null
  /** The company's locale (BCP 47, company settings): every date an e-mail writes is in it. */
  locale: string
}

/** Inline text: plain, bold, or a link. */
export type Inline = string | { b: string } | { a: string; href: string }

export type Block =
  /** A paragraph. */
  | { p: Inline[] }
  /** A call to action. */
  | { button: string; href: string }
  /** Small grey text (fine print). */
  | { note: Inline[] }
  /** A framed statement with an optional title (e.g. the automatic-renewal terms). */
  | { box: string; title?: string; link?: { a: string; href: string } }
  /** A bulleted list. */
  | { list: Inline[][] }
  /** Label / value rows (a receipt's summary). */
  | { rows: [string, string][] }

export interface EmailContent {
  brand: CompanyBrand
  /** The inbox preview line. */
  preview: string
  blocks: Block[]
  /** Links in the footer, e.g. "Turn off automatic renewal". */
  footerLinks?: { a: string; href: string }[]
}
