/** Plain calendar arithmetic on ISO dates (`YYYY-MM-DD`); no time zones, no Date drift. */

/** `2027-01-31` + 1 month → `2027-02-28` (clamped to the month's last day). */
export function addMonthsIso(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** `2027-03-01` → `2027-02-28`. */
export function dayBeforeIso(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
}

/** `2027-02-27` + 2 days → `2027-03-01` (negative `days` go back). */
export function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
