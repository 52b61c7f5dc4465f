import type { Processor } from './response-codes.ts'

/**
 * The vendor's documented UAT test card numbers and what they do.
 * [doc: CP-REPO DeveloperGuides "Testing Your Integration"; external-apis.md A12]
 */
export type CardBehaviour =
  | { kind: 'respond'; codes: Record<Processor, string> }
  | { kind: 'timeout' }
  | { kind: 'partial' }

const respond = (RPCT: string, FNOR: string): CardBehaviour => ({ kind: 'respond', codes: { RPCT, FNOR } })

const BY_PAN: Record<string, CardBehaviour> = {
  // Specific approvals (any other Luhn-valid PAN with a known brand approves too).
  '4788250000121443': respond('000', '00'),
  '5454545454545454': respond('000', '00'),
  '371449635398431': respond('000', '00'),
  '6011000995500000': respond('000', '00'),
  '36438999960016': respond('000', '00'),
  '3528000000000007': respond('000', '00'),
  // RPCT 107 / FNOR 01
  '4387751111111020': respond('107', '01'),
  '5442981111111023': respond('107', '01'),
  '6011000995511122': respond('107', '01'),
  // RPCT 100 / FNOR 05
  '4387751111111038': respond('100', '05'),
  '5442981111111031': respond('100', '05'),
  '6011000995511130': respond('100', '05'),
  // RPCT 101 / FNOR 54
  '4387751111111046': respond('101', '54'),
  '5442981111111049': respond('101', '54'),
  '6011000995511148': respond('101', '54'),
  // RPCT 500 "Decline" / FNOR NU "Insufficient funds" (the vendor's table pairs them so)
  '4387751111111053': respond('500', 'NU'),
  '5442981111111056': respond('500', 'NU'),
  '6011000995511155': respond('500', 'NU'),
  // PPS 62 "Timed out" after the configured delay (the gateway's own mark is 32 s).
  '4999006200620062': { kind: 'timeout' },
  '5111006200620062': { kind: 'timeout' },
  '6465006200620062': { kind: 'timeout' },
  // Approves $5.00 of any amount from $6.00.
  '4387750101010101': { kind: 'partial' },
}

/** Documented behaviour of a test PAN, or null for an ordinary card. */
export function testCardBehaviour(pan: string): CardBehaviour | null {
  return BY_PAN[pan] ?? null
}

/** Every documented test PAN with its behaviour (for the docs and tests). */
export function listTestCards(): Array<[string, CardBehaviour]> {
  return Object.entries(BY_PAN)
}
