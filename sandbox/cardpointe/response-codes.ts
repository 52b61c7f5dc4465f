/**
 * Response codes the sandbox answers with, per "processor" (`respproc`).
 *
 * NOTE: the same business reason has different codes per processor (insufficient funds is
 * RPCT 116 but FNOR NU). [doc: CP-REPO GatewayResponseCodes.md; shared/reference/external-apis.md A6]
 */

export type RespStat = 'A' | 'B' | 'C'
export type Processor = 'RPCT' | 'FNOR'

export interface Code {
  respproc: string
  respcode: string
  respstat: RespStat
  resptext: string
}

type Table = Record<string, [RespStat, string]>

/** Gateway-level (respproc PPS) codes. */
const PPS: Table = {
  '00': ['A', 'Approval'],
  '08': ['A', 'Profile Deleted'],
  '09': ['A', 'Profile Saved'],
  '11': ['C', 'Invalid card'],
  '16': ['C', 'Card expired'],
  '21': ['C', 'Invalid merchant'],
  '27': ['C', 'Txn Batched'],
  '28': ['C', 'Txn not settled'],
  '29': ['C', 'Txn not found'],
  '32': ['C', 'Wrong currency for merch'],
  '34': ['C', 'Invalid field'],
  '39': ['C', 'Void not permitted after 30 days'],
  '41': ['C', 'Below min'],
  '42': ['C', 'Above max'],
  '43': ['C', 'Invalid amount'],
  '62': ['B', 'Timed out'],
  '96': ['C', 'Profile not found'],
  '98': ['C', 'Invalid token'],
}

const PROCESSORS: Record<Processor, Table> = {
  RPCT: {
    '000': ['A', 'Approval'],
    '002': ['A', 'Approve for partial amount'],
    '100': ['C', 'Do not honor'],
    '101': ['C', 'Expired card'],
    '107': ['C', 'Call for authorization'],
    '116': ['C', 'Not sufficient funds'],
    '131': ['C', 'Invalid account number'],
    '208': ['C', 'Lost card'],
    '209': ['C', 'Stolen card'],
    '500': ['C', 'Decline'],
    '505': ['B', 'Retry'],
    '508': ['B', 'Retry'],
    '511': ['B', 'Retry'],
    '516': ['B', 'Retry'],
    '704': ['C', 'Pick up card'],
    '790': ['C', 'Stop recurring'],
    '791': ['C', 'Stop recurring'],
    '920': ['B', 'Retry'],
  },
  FNOR: {
    '00': ['A', 'Approval'],
    '10': ['A', 'Partial approval'],
    '01': ['C', 'Refer to issuer'],
    '05': ['C', 'Do not honor'],
    '14': ['C', 'Invalid card number'],
    '28': ['B', 'Please retry'],
    '51': ['C', 'Declined'],
    '54': ['C', 'Wrong expiration'],
    '60': ['C', 'Lost/stolen'],
    '91': ['B', 'System error'],
    NL: ['B', 'Please retry'],
    NU: ['C', 'Insufficient funds'],
  },
}

/** Named outcomes the sandbox produces, translated per processor. */
export type Meaning =
  | 'approval'
  | 'partial'
  | 'refer'
  | 'do_not_honor'
  | 'expired'
  | 'insufficient'
  | 'decline'

const MEANING_CODES: Record<Processor, Record<Meaning, string>> = {
  RPCT: { approval: '000', partial: '002', refer: '107', do_not_honor: '100', expired: '101', insufficient: '116', decline: '500' },
  FNOR: { approval: '00', partial: '10', refer: '01', do_not_honor: '05', expired: '54', insufficient: 'NU', decline: '51' },
}

export function ppsCode(respcode: keyof typeof PPS | string, resptext?: string): Code {
  const [respstat, text] = PPS[respcode] ?? ['C', 'Invalid field']
  return { respproc: 'PPS', respcode, respstat, resptext: resptext ?? text }
}

/** A processor code as the emulator answers it; unknown codes are a plain decline. */
export function processorCode(processor: Processor, respcode: string): Code {
  const [respstat, resptext] = PROCESSORS[processor][respcode] ?? ['C', 'Decline']
  return { respproc: processor, respcode, respstat, resptext }
}

export function codeFor(processor: Processor, meaning: Meaning): Code {
  return processorCode(processor, MEANING_CODES[processor][meaning])
}

/**
 * UAT amount-driven codes: an amount from $1000.00 to $1999.99 answers with the processor code
 * given by the last three digits of the whole-dollar part ($1116.95 → RPCT 116); two-digit
 * processors drop the leading 0 ($1005 → FNOR 05). Null outside the range.
 * [doc: CP-REPO DeveloperGuides "Testing Your Integration"; external-apis.md A12]
 */
export function amountDrivenCode(processor: Processor, cents: number): Code | null {
  if (cents < 100_000 || cents > 199_999) return null
  const three = String(Math.floor(cents / 100) - 1000).padStart(3, '0')
  if (processor === 'RPCT') return processorCode(processor, three)
  return processorCode(processor, three.startsWith('0') ? three.slice(1) : three)
}
