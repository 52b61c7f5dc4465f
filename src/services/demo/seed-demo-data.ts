import type { CustomerDto, CustomerInput } from '../../contracts/customers.ts'
import type { PlanDto, PlanInput } from '../../contracts/plans.ts'
import { createCustomer } from '../customers/manage-customers.ts'
import type { ServiceDeps } from '../deps.ts'
import { createPlan } from '../plans/manage-plans.ts'
import { seedDemoWorkflow, type DemoWorkflowCounts } from './demo-workflow.ts'

const FIRST = ['Maria', 'James', 'Linda', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Susan', 'Carlos', 'Aisha', 'Tom', 'Grace', 'Kevin', 'Nora', 'Omar']
const LAST = ['Alvarez', 'Brooks', 'Chen', 'Dawson', 'Edwards', 'Fischer', 'Garcia', 'Hughes', 'Iverson', 'Jackson', 'Kowalski', 'Lopez', 'Murphy', 'Nguyen', "O'Brien", 'Patel']
const STREETS = ['Maple Ave', 'Oak St', 'Cedar Ln', 'Lakeview Dr', 'Elm St', 'Pine Ridge Rd', 'Sunset Blvd', 'Hillcrest Ct']
const CITIES: [string, string, string][] = [
  ['Columbus', 'OH', '43215'],
  ['Dayton', 'OH', '45402'],
  ['Cincinnati', 'OH', '45202'],
  ['Akron', 'OH', '44308'],
  ['Toledo', 'OH', '43604'],
]
const COMPANIES = ['Riverside Dental', 'Blue Door Bakery', 'Summit Property Mgmt', 'Greenway Apartments', 'Hope Community Church']

const PLANS: PlanInput[] = [
  { name: 'HVAC Comfort Club – Basic', description: 'Spring A/C and fall furnace tune-up, 10% off repairs.', priceCents: 1995, billingFrequency: 'monthly', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10], termsText: 'Two precision tune-ups per year. Cancel with 30 days notice. Repairs billed separately at a 10% discount.', isTaxable: false, taxRatePpm: 0 },
  { name: 'HVAC Comfort Club – Premium', description: 'Tune-ups, priority service, no overtime charges, 15% off repairs.', priceCents: 2995, billingFrequency: 'monthly', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10], termsText: 'Two precision tune-ups per year, priority scheduling, no after-hours fees. Cancel with 30 days notice.', isTaxable: false, taxRatePpm: 0 },
  { name: 'Quarterly Pest Shield', description: 'Quarterly exterior treatment with free re-treats between visits.', priceCents: 12900, billingFrequency: 'quarterly', termMonths: null, visitsPerTerm: 4, visitMonths: [], termsText: 'Quarterly service continues until cancelled. Free re-treatment between scheduled visits.', isTaxable: true, taxRatePpm: 72_500 },
  { name: 'Annual Water Heater Flush', description: 'Yearly flush and anode inspection.', priceCents: 14900, billingFrequency: 'annual', termMonths: 12, visitsPerTerm: 1, visitMonths: [9], termsText: 'One flush and inspection per year.', isTaxable: true, taxRatePpm: 72_500 },
].map((p) => ({
  ...p,
  billingFrequency: p.billingFrequency as PlanInput['billingFrequency'],
  // The premium club renews by itself each year (with the customer's consent at sign-up), 3% up.
  autoRenew: p.name.endsWith('Premium'),
  renewalChange: p.name.endsWith('Premium') ? { kind: 'percent' as const, basisPoints: 300 } : { kind: 'none' as const },
}))

export interface DemoSeedResult extends DemoWorkflowCounts {
  customers: number
  plans: number
}

/**
 * Fills an empty database with believable customers and plan templates, quotes in each state
 * and, when the payment gateway answers, active agreements with cards on file whose past
 * periods are due (see `demo-workflow.ts`); does nothing if customers exist. Never fails on
 * the workflow part: what was skipped is returned with the reason.
 */
export async function seedDemoData(deps: ServiceDeps): Promise<DemoSeedResult | undefined> {
  const existing = await deps.db.selectFrom('customers').select('id').limit(1).execute()
  if (existing.length) return undefined
  // A company to show on quotes and invoices, unless one has been named already.
  await deps.db
    .updateTable('companySettings')
    .set({ companyName: 'Evergreen Comfort Services', email: 'office@evergreen-comfort.example', phone: '(614) 555-0100' })
    .where('companyName', '=', 'Your Company')
    .execute()
  const plans: PlanDto[] = []
  for (const plan of PLANS) plans.push(await createPlan(deps, plan, null))
  const customers: CustomerDto[] = []
  for (let i = 0; i < 48; i++) {
    const first = FIRST[i % FIRST.length]
    const last = LAST[(i * 7) % LAST.length]
    const [city, region, zip] = CITIES[i % CITIES.length]
    const business = i % 8 === 0 ? COMPANIES[(i / 8) % COMPANIES.length] : null
    const input: CustomerInput = {
      name: business ?? `${first} ${last}`,
      companyName: business,
      notes: i % 5 === 0 ? 'Dog in the back yard; call before arriving.' : '',
      locations: [
        { label: business ? 'Main building' : 'Home', line1: `${100 + i * 17} ${STREETS[i % STREETS.length]}`, line2: '', city, region, postalCode: zip, country: 'US', accessNotes: i % 3 === 0 ? 'Gate code 4411' : '' },
        ...(i % 6 === 0 ? [{ label: 'Rental', line1: `${20 + i} ${STREETS[(i + 3) % STREETS.length]}`, line2: 'Unit B', city, region, postalCode: zip, country: 'US' as const, accessNotes: '' }] : []),
      ],
      contacts: [
        { name: `${first} ${last}`, email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `${i}@example.com`, phone: `(614) 555-${String(1000 + i).padStart(4, '0')}`, isPrimary: true },
      ],
    }
    customers.push(await createCustomer(deps, input, null))
  }
  const workflow = await seedDemoWorkflow(deps, customers, plans)
  return { customers: customers.length, plans: plans.length, ...workflow }
}
