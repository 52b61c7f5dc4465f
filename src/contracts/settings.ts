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
  /** True when a logo is set; the image itself is at GET /api/settings/logo. */
  hasLogo: boolean
}

/** A logo upload as a data URL, as a browser's FileReader makes it. */
export const LogoInput = z.object({
  dataUrl: z
    .string({ error: 'is required' })
    .max(420_000, { error: 'must be an image of at most 300 KB' })
    .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$/, { error: 'must be a PNG or JPEG image' }),
})


/** The office dashboard (`GET /api/dashboard`): see contracts/dashboard.ts. */
export type { DashboardDto } from './dashboard.ts'
