import { z } from 'zod'
import { email, phone, requiredText } from './common.ts'

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const SettingsInput = z.object({
  companyName: requiredText(200),
  timeZone: z.string({ error: 'is required' }).trim().refine(validTimeZone, { error: 'must be an IANA time zone such as America/Chicago' }),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
})
export type SettingsInput = z.infer<typeof SettingsInput>

export interface SettingsDto {
  companyName: string
  timeZone: string
  email: string | null
  phone: string | null
}

