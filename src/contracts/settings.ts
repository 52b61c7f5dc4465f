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

const validLocale = (tag: string) => {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 1
  } catch {
    return false
  }
}

export const SettingsInput = z.object({
  companyName: requiredText(200),
  timeZone: z.string({ error: 'is required' }).trim().refine(validTimeZone, { error: 'must be an IANA time zone such as America/Chicago' }),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  /** Postal address, one line per line (e-mail footers and documents). */
  address: z.string({ error: 'must be text' }).trim().max(500, { error: 'must be at most 500 characters' }).optional(),
  /** Dates and numbers shown to people follow it, e.g. en-US. */
  locale: z
    .string({ error: 'must be a locale such as en-US' })
    .trim()
    .refine(validLocale, { error: 'must be a locale such as en-US' })
    .optional(),
})
export type SettingsInput = z.infer<typeof SettingsInput>

export interface SettingsDto {
  companyName: string
  timeZone: string
  email: string | null
  phone: string | null
  address: string
  locale: string
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
