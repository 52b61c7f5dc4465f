import { z } from 'zod'

/** A renewal's price change as the API accepts it (agreements, plans and quotes share it). */
export const PriceChangeInput = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }),
    z.object({
      kind: z.literal('percent'),
      basisPoints: z.number({ error: 'must be a percent in basis points (500 = 5%)' }).int({ error: 'must be whole basis points' }).min(-9000, { error: 'must be at least -90%' }).max(10000, { error: 'must be at most +100%' }),
    }),
    z.object({
      kind: z.literal('amount'),
      amountCents: z.number({ error: 'must be an amount in cents' }).int({ error: 'must be whole cents' }).min(-10_000_000).max(10_000_000, { error: 'must be at most $100,000.00' }),
    }),
    z.object({ kind: z.literal('plan_price') }),
  ],
  { error: 'must be none, percent, amount or plan_price' },
)
