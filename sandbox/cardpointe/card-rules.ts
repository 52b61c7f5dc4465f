/** Card-number and routing-number checks used by the sandbox (no I/O). */

export type CardBrand = 'VISA' | 'MC' | 'AMEX' | 'DISC' | 'DINERS' | 'JCB'

/** True when the digit string passes the Luhn (mod 10) check. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

interface BrandRule {
  brand: CardBrand
  prefix: RegExp
  lengths: number[]
}

// NOTE: prefix/length pairs the UAT emulators accept [doc: CP-REPO DeveloperGuides "Testing Your Integration"].
const BRAND_RULES: BrandRule[] = [
  { brand: 'VISA', prefix: /^4/, lengths: [13, 16, 19] },
  { brand: 'MC', prefix: /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/, lengths: [16] },
  { brand: 'AMEX', prefix: /^3[47]/, lengths: [15] },
  { brand: 'DISC', prefix: /^(6011|622|64[4-9]|65)/, lengths: [16, 19] },
  { brand: 'DINERS', prefix: /^(36|30[0-5]|38)/, lengths: [14] },
  { brand: 'JCB', prefix: /^35(2[89]|[3-8]\d)/, lengths: [16] },
]

/** The card brand for a PAN by prefix and length, or null when no brand matches. */
export function detectBrand(pan: string): CardBrand | null {
  const rule = BRAND_RULES.find((r) => r.prefix.test(pan) && r.lengths.includes(pan.length))
  return rule ? rule.brand : null
}

/** True for a 9-digit ABA routing number with a valid checksum (3-7-1 weights). */
export function isValidRoutingNumber(aba: string): boolean {
  if (!/^\d{9}$/.test(aba)) return false
  const d = aba.split('').map(Number)
  const sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
  return sum % 10 === 0 && aba !== '000000000'
}

/** Normalises a vendor `expiry` (MMYY, YYYYM, YYYYMM, YYYYMMDD) to MMYY, or null if malformed. */
export function normaliseExpiry(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const text = String(value).trim()
  let month: number
  let year: number
  if (/^\d{4}$/.test(text)) [month, year] = [Number(text.slice(0, 2)), 2000 + Number(text.slice(2))]
  else if (/^\d{5}$/.test(text)) [year, month] = [Number(text.slice(0, 4)), Number(text.slice(4))]
  else if (/^\d{6}(\d{2})?$/.test(text)) [year, month] = [Number(text.slice(0, 4)), Number(text.slice(4, 6))]
  else return null
  if (month < 1 || month > 12) return null
  return `${String(month).padStart(2, '0')}${String(year % 100).padStart(2, '0')}`
}
