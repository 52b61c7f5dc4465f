import type { Migration } from 'kysely'
import * as m0001 from './0001-platform.ts'
import * as m0002 from './0002-agreements.ts'
import * as m0003 from './0003-quotes.ts'
import * as m0004 from './0004-billing.ts'
import * as m0005 from './0005-company-logo.ts'
import * as m0006 from './0006-payment-reversals.ts'
import * as m0007 from './0007-automatic-billing.ts'
import * as m0008 from './0008-retry-dates-bill-ahead-tax-rates.ts'
import * as m0009 from './0009-invoice-void.ts'
import * as m0010 from './0010-scheduling.ts'
import * as m0011 from './0011-renewals.ts'
import * as m0012 from './0012-quickbooks.ts'
import * as m0013 from './0013-reconciliation.ts'
import * as m0014 from './0014-notification-subjects.ts'
import * as m0015 from './0015-charge-groups.ts'
import * as m0016 from './0016-company-brand-email-content.ts'
import * as m0017 from './0017-run-owner.ts'
import * as m0022 from './0022-dashboard-lists.ts'
import * as m0023 from './0023-shared-runs.ts'
import * as m0024 from './0024-agreement-search-text.ts'
import * as m0026 from './0026-dashboard-tallies.ts'
import * as m0027 from './0027-lines-are-arrays.ts'

/**
 * Forward-only, numbered migrations. Append new ones; never edit or reorder an applied one.
 * SQL must run on PostgreSQL 15 (Debian) as well as PGlite (PostgreSQL 18).
 */
export const migrations: Record<string, Migration> = {
  '0001-platform': m0001,
  '0002-agreements': m0002,
  '0003-quotes': m0003,
  '0004-billing': m0004,
  '0005-company-logo': m0005,
  '0006-payment-reversals': m0006,
  '0007-automatic-billing': m0007,
  '0008-retry-dates-bill-ahead-tax-rates': m0008,
  '0009-invoice-void': m0009,
  '0010-scheduling': m0010,
  '0011-renewals': m0011,
  '0012-quickbooks': m0012,
  '0013-reconciliation': m0013,
  '0014-notification-subjects': m0014,
  '0015-charge-groups': m0015,
  '0016-company-brand-email-content': m0016,
  '0017-run-owner': m0017,
  '0022-dashboard-lists': m0022,
  '0023-shared-runs': m0023,
  '0024-agreement-search-text': m0024,
  '0026-dashboard-tallies': m0026,
  '0027-lines-are-arrays': m0027,
}
