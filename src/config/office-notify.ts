import { z } from 'zod'

const Email = z.email()

/**
 * `OFFICE_NOTIFY_EMAIL`: where the office is emailed when a customer signs up (one address).
 * Unset or empty: the office is told in the app only. An invalid value fails loudly at use.
 */
export function officeNotifyEmail(source: Record<string, string | undefined> = process.env): string | null {
  const value = source.OFFICE_NOTIFY_EMAIL?.trim()
  if (!value) return null
  const parsed = Email.safeParse(value)
  if (!parsed.success) throw new Error('Invalid configuration: OFFICE_NOTIFY_EMAIL must be one email address')
  return parsed.data
}
