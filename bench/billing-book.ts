import type { Db } from '../src/db/database.ts'
import type { SandboxHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
import { aCard, seedAgreements } from '../test/helpers/billing-fixtures.ts'

/**
 * What the billing benchmarks share (bench:billing, bench:scale): a book of agreements on cards
 * stored in the CardPointe sandbox, and the check of the money afterwards, the sandbox's ledger
 * against the database.
 */

/** `count` monthly agreements starting `startDate` on two cards the sandbox approves. */
export async function seedBillingBook(db: Db, h: SandboxHarness, count: number, startDate: string): Promise<void> {
  await db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const methods = []
  for (const pan of ['4788250000121443', '5454545454545454']) methods.push({ id: await aCard(db, h.gateway, h.tokenize, 'cus_cards', pan), customerId: 'cus_cards' })
  await seedAgreements(db, { count, paymentMethods: methods, startDate: () => startDate, amountCents: (i) => 1000 + (i % 50_000) })
}

/**
 * Double and missing charges: the approved charges in the sandbox's ledger, each mapped to the
 * invoices its order id pays (charge_attempt_invoices); an invoice paid by two approved charges,
 * or an approved charge the database does not know, is a double; an invoice no approved charge
 * pays is missing.
 */
export async function ledgerCheck(db: Db, h: SandboxHarness): Promise<{ invoices: number; approvedCharges: number; double: number; missing: number }> {
  const invoices = await db.selectFrom('invoices').select('id').execute()
  const parts = await db.selectFrom('chargeAttemptInvoices').select(['attemptId', 'invoiceId']).execute()
  const invoicesOf = new Map<string, string[]>()
  for (const p of parts) invoicesOf.set(p.attemptId, [...(invoicesOf.get(p.attemptId) ?? []), p.invoiceId])
  const ledger = (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents > 0)
  const charges = new Map<string, number>()
  let unknown = 0
  for (const r of ledger) {
    const paid = invoicesOf.get(r.orderid ?? '')
    if (!paid) unknown++
    else for (const id of paid) charges.set(id, (charges.get(id) ?? 0) + 1)
  }
  return {
    invoices: invoices.length,
    approvedCharges: ledger.length,
    double: [...charges.values()].filter((n) => n > 1).length + unknown,
    missing: invoices.filter((i) => !charges.has(i.id)).length,
  }
}
