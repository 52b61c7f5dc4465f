/**
 * Amount parsing and formatting as the CardPointe gateway does it.
 *
 * NOTE: the vendor accepts `amount` either as a decimal ("10.00") or as implied-decimal
 * minor units ("1000" = $10.00); responses always carry two decimals.
 * [doc: CP-REPO CardPointe OpenAPI `authRequest.amount`; shared/reference/external-apis.md A4]
 */

const MINOR_UNITS = /^(-?)(\d{1,14})$/
const DECIMAL = /^(-?)(\d{0,12})\.(\d{1,2})$/

/** Parses a wire amount into integer cents, or null when it is not a valid amount. */
export function parseWireAmount(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return parseWireAmount(String(value))
  if (typeof value !== 'string') return null
  const text = value.trim()
  const minor = MINOR_UNITS.exec(text)
  if (minor) return signed(minor[1], Number(minor[2]))
  const decimal = DECIMAL.exec(text)
  if (!decimal || (decimal[2] === '' && decimal[3] === '')) return null
  const cents = Number(decimal[2] || '0') * 100 + Number(decimal[3].padEnd(2, '0'))
  return signed(decimal[1], cents)
}

/** Formats integer cents the way the gateway answers: "1234.56", "0.00", "-5.00". */
export function formatAmount(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

function signed(sign: string, cents: number): number | null {
  if (!Number.isSafeInteger(cents)) return null
  return sign === '-' ? -cents : cents
}
