import type { PlanDto } from '../../../src/contracts/plans.ts'
import { taxRateText } from '../../../src/domain/tax-rate.ts'
import { FREQUENCY_LABELS, MONTHS } from '../strings.ts'

/** Short descriptions of a plan's settings for lists. */
export const describeBilling = (p: Pick<PlanDto, 'billingFrequency' | 'billingIntervalMonths'>) =>
  p.billingFrequency === 'every_n_months' ? `Every ${p.billingIntervalMonths} months` : FREQUENCY_LABELS[p.billingFrequency]

export const describeTerm = (termMonths: number | null) => (termMonths === null ? 'Open-ended' : `${termMonths} months`)

export const describeVisits = (p: Pick<PlanDto, 'visitsPerTerm' | 'visitMonths'>) =>
  p.visitsPerTerm === 0 ? 'None' : `${p.visitsPerTerm}${p.visitMonths.length ? ` (${p.visitMonths.map((m) => MONTHS[m - 1]).join(', ')})` : ''}`

export const describeTax = (p: Pick<PlanDto, 'isTaxable' | 'taxRatePpm'>) => (p.isTaxable ? taxRateText(p.taxRatePpm) : 'Not taxable')
