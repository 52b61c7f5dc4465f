/**
 * US bank routing numbers (ABA routing transit numbers): nine digits whose weighted sum, with the
 * weights 3, 7, 1 repeating, is a multiple of 10. A typo in one digit, or two neighbouring digits
 * swapped (most of them), fails the check, so it is caught before anything reaches the gateway.
 * It says nothing about whether the bank exists: the gateway answers that.
 */

const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7, 1]

/**
 * True for nine digits with a valid ABA checksum (and not all zeros).
 *
 * @example isValidRoutingNumber('021000021') // true (JPMorgan Chase, New York)
 * @example isValidRoutingNumber('021000012') // false
 */
export function isValidRoutingNumber(routing: string): boolean {
  if (!/^\d{9}$/.test(routing) || routing === '000000000') return false
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(routing[i]), 0)
  return sum % 10 === 0
}
