import { sql } from 'kysely'

/**
 * The first instant of a company-local date, worked out in the database from the company's time
 * zone (company_settings): filters by local date need no separate read of the settings.
 */
export const localDayStart = (date: string) => sql`(${date}::date::timestamp at time zone (select s.time_zone from company_settings s where s.id = 1))`
