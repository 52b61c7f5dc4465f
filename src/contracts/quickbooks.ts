import { z } from 'zod'

/** QuickBooks Online settings and sync (issue 10). */
const qboId = z.string().trim().regex(/^\d{1,20}$/, { error: 'must be a QuickBooks id (digits)' })

export const QuickBooksMappingInput = z
  .object({
    serviceItemId: qboId.optional(),
    depositAccountId: qboId.optional(),
    cardMethodId: qboId.nullable().optional(),
    bankMethodId: qboId.nullable().optional(),
    taxHandling: z.enum(['line', 'none']).optional(),
    taxItemId: qboId.nullable().optional(),
  })
  .strict()
export type QuickBooksMappingInput = z.infer<typeof QuickBooksMappingInput>

export const QuickBooksCallbackQuery = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(200).optional(),
  realmId: z.string().max(40).optional(),
  error: z.string().max(200).optional(),
})

export const QueueIdParams = z.object({ id: z.string().min(1).max(120) })
