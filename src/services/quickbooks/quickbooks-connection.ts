import { sql } from 'kysely'
import { AppError, notAllowed, validationError } from '../../domain/errors.ts'
import { QuickBooksClient, type QboObject } from '../../integrations/quickbooks/quickbooks-client.ts'
import { QuickBooksOAuth } from '../../integrations/quickbooks/quickbooks-oauth.ts'
import { openToken } from '../../integrations/quickbooks/token-crypto.ts'
import type { AccountingOutcome } from '../../ports/accounting.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { forgetClients, ledgerFor, runtimeOf, sealTokens } from './quickbooks-runtime.ts'

/**
 * Settings → QuickBooks (admins): connect through Intuit's consent page (or the local
 * sandbox's), the connected company, the mapping, health, disconnect.
 */
export const STATE_TTL_MS = 15 * 60_000
export const SERVICE_ITEM_NAME = 'Service agreement'
export const TAX_ITEM_NAME = 'Sales tax (Servicebook)'

export interface QuickBooksMapping {
  serviceItemId: string | null
  depositAccountId: string | null
  cardMethodId: string | null
  bankMethodId: string | null
  taxHandling: 'line' | 'none'
  taxItemId: string | null
}

export interface QuickBooksStatus {
  connected: boolean
  status: 'not_connected' | 'connected' | 'needs_reconnect'
  realmId: string | null
  companyName: string | null
  statusMessage: string | null
  connectedAt: string | null
  refreshedAt: string | null
  accessExpiresAt: string | null
  refreshExpiresAt: string | null
  lastPushAt: string | null
  mapping: QuickBooksMapping | null
  queue: { queued: number; waiting: number; failed: number; sent: number }
}

/** Step 1: a `state` bound to the admin's session, and the consent URL to send the browser to. */
export async function startConnect(deps: ServiceDeps, sessionId: string): Promise<{ url: string }> {
  const rt = runtimeOf(deps)
  const state = QuickBooksOAuth.newState()
  await deps.db.deleteFrom('quickbooksOauthStates').where('createdAt', '<', new Date(deps.clock.now().getTime() - STATE_TTL_MS)).execute()
  await deps.db.insertInto('quickbooksOauthStates').values({ state, sessionId }).execute()
  return { url: rt.oauth.authorizeUrl({ state }) }
}

/**
 * Step 2, Intuit's redirect back: the `state` must be one this session started (used once,
 * fresh); the code is exchanged, the tokens sealed and stored, the company named, the mapping
 * found or created, and work waiting for a reconnection queued again.
 */
export async function finishConnect(deps: ServiceDeps, query: Record<string, string | undefined>, sessionId: string, actor: ActorId): Promise<QuickBooksStatus> {
  const rt = runtimeOf(deps)
  const state = query.state ?? ''
  const found = state
    ? await deps.db.deleteFrom('quickbooksOauthStates').where('state', '=', state).returning(['sessionId', 'createdAt']).executeTakeFirst()
    : undefined
  const fresh = found && found.sessionId === sessionId && deps.clock.now().getTime() - found.createdAt.getTime() < STATE_TTL_MS
  const back = rt.oauth.parseCallback(query, fresh ? state : '')
  if (back.status === 'bad_state') throw notAllowed('quickbooks_bad_state', 'This QuickBooks answer was not started from this session (or is older than 15 minutes): press Connect again')
  if (back.status === 'denied') throw notAllowed('quickbooks_denied', `QuickBooks did not grant access (${back.error})`)
  const out = await rt.oauth.exchangeCode(back)
  if (out.status !== 'ok') throw new AppError('integration', `quickbooks_${out.status}`, `QuickBooks refused the connection: ${out.message}`)
  const previous = await deps.db.selectFrom('quickbooksConnections').select(['realmId']).where('id', '=', 1).executeTakeFirst()
  const sameCompany = previous?.realmId === out.tokens.realmId
  await deps.db.transaction().execute(async (tx) => {
    const sealed = sealTokens(rt, out.tokens)
    if (previous) {
      await tx
        .updateTable('quickbooksConnections')
        .set({
          ...sealed,
          realmId: out.tokens.realmId,
          status: 'connected',
          statusMessage: null,
          connectedBy: actor,
          connectedAt: deps.clock.now(),
          refreshedAt: null,
          updatedAt: deps.clock.now(),
          // Another company: its ids mean nothing here; the mapping is found again below.
          ...(sameCompany ? {} : { companyName: '', serviceItemId: null, depositAccountId: null, cardMethodId: null, bankMethodId: null, taxItemId: null }),
        })
        .where('id', '=', 1)
        .execute()
    } else {
      await tx.insertInto('quickbooksConnections').values({ id: 1, ...sealed, realmId: out.tokens.realmId, connectedBy: actor }).execute()
    }
    await tx.updateTable('quickbooksQueue').set({ status: 'queued', nextAttemptAt: deps.clock.now() }).where('status', '=', 'waiting').execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'quickbooks', action: 'quickbooks.connected', actorUserId: actor, details: { realmId: out.tokens.realmId } })
  })
  forgetClients(deps)
  const { ledger } = ledgerFor(deps, out.tokens.realmId)
  const company = await ledger.company()
  if (company.status === 'ok') await deps.db.updateTable('quickbooksConnections').set({ companyName: company.value.name }).where('id', '=', 1).execute()
  await ensureMapping(deps)
  deps.kickQuickBooks?.()
  return getQuickBooksStatus(deps)
}

/** Revokes the grant at Intuit and forgets the tokens; links and the queue are kept (work waits). */
export async function disconnect(deps: ServiceDeps, actor: ActorId): Promise<QuickBooksStatus> {
  const rt = runtimeOf(deps)
  const row = await deps.db.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).executeTakeFirst()
  if (!row) return getQuickBooksStatus(deps)
  // Revoking the refresh token revokes the grant; a failure here still disconnects us.
  const revoked = await rt.oauth.revoke(openToken(row.refreshTokenSealed, rt.tokenKey, row.realmId))
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('quickbooksConnections').where('id', '=', 1).execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'quickbooks', action: 'quickbooks.disconnected', actorUserId: actor, details: { realmId: row.realmId, revoked: revoked.status === 'ok' } })
  })
  forgetClients(deps)
  return getQuickBooksStatus(deps)
}

export async function getQuickBooksStatus(deps: ServiceDeps): Promise<QuickBooksStatus> {
  const row = await deps.db.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).executeTakeFirst()
  const counts = await deps.db.selectFrom('quickbooksQueue').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const queue = { queued: 0, waiting: 0, failed: 0, sent: 0 }
  for (const c of counts) queue[c.status] = Number(c.n)
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)
  return {
    connected: row?.status === 'connected',
    status: row ? row.status : 'not_connected',
    realmId: row?.realmId ?? null,
    companyName: row?.companyName || null,
    statusMessage: row?.statusMessage ?? null,
    connectedAt: iso(row?.connectedAt),
    refreshedAt: iso(row?.refreshedAt),
    accessExpiresAt: iso(row?.accessExpiresAt),
    refreshExpiresAt: iso(row?.refreshExpiresAt),
    lastPushAt: iso(row?.lastPushAt),
    mapping: row
      ? { serviceItemId: row.serviceItemId, depositAccountId: row.depositAccountId, cardMethodId: row.cardMethodId, bankMethodId: row.bankMethodId, taxHandling: row.taxHandling, taxItemId: row.taxItemId }
      : null,
    queue,
  }
}

/** The choices for the mapping form: the company's items, deposit-able accounts, payment methods. */
export async function mappingOptions(deps: ServiceDeps) {
  const row = await connectedRow(deps)
  const { client } = ledgerFor(deps, row.realmId)
  const [items, accounts, methods] = await Promise.all([
    must(await client.queryAll('Item', "Type = 'Service'", 'Name')),
    must(await client.queryAll('Account', "AccountType in ('Bank', 'Other Current Asset')", 'Name')),
    must(await client.queryAll('PaymentMethod', '', 'Name')),
  ])
  const pick = (rows: QboObject[]) => rows.map((r) => ({ id: String(r.Id), name: String(r.Name ?? '') }))
  return { items: pick(items), accounts: pick(accounts), paymentMethods: pick(methods) }
}

export async function updateMapping(deps: ServiceDeps, input: Partial<QuickBooksMapping>, actor: ActorId): Promise<QuickBooksStatus> {
  const row = await connectedRow(deps)
  const options = await mappingOptions(deps)
  const fields: Record<string, string> = {}
  const check = (key: keyof QuickBooksMapping, list: { id: string }[]) => {
    const v = input[key]
    if (v !== undefined && v !== null && !list.some((o) => o.id === v)) fields[key] = 'is not one of the QuickBooks company\'s records'
  }
  check('serviceItemId', options.items)
  check('taxItemId', options.items)
  check('depositAccountId', options.accounts)
  check('cardMethodId', options.paymentMethods)
  check('bankMethodId', options.paymentMethods)
  if (Object.keys(fields).length) throw validationError(fields, 'The mapping does not fit the connected company')
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('quickbooksConnections').set({ ...input, updatedAt: deps.clock.now() }).where('id', '=', 1).where('realmId', '=', row.realmId).execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'quickbooks', action: 'quickbooks.mapping_updated', actorUserId: actor, details: input })
  })
  return getQuickBooksStatus(deps)
}

/**
 * Fills the mapping where it is empty: the "Service agreement" service item (created on the
 * first income account when missing), Undeposited Funds, a card and a bank payment method
 * (created when missing), the sales tax item (on Sales Tax Payable). Safe to repeat.
 */
export async function ensureMapping(deps: ServiceDeps): Promise<QuickBooksMapping> {
  const row = await connectedRow(deps)
  const { client } = ledgerFor(deps, row.realmId)
  const q = QuickBooksClient.quote
  const first = async (statement: string) => must(await client.query(statement)).rows[0] ?? null
  const findOrCreate = async (entity: 'Item' | 'PaymentMethod', name: string, body: () => Promise<QboObject>) => {
    const found = await first(`select * from ${entity} where Name = ${q(name)}`)
    if (found) return String(found.Id)
    const made = await client.create(entity, await body())
    if (made.status === 'ok') return String(made.value.Id)
    if (made.status === 'duplicate') return String((await first(`select * from ${entity} where Name = ${q(name)} and Active in (true, false)`))?.Id ?? '')
    throw integration(made)
  }
  const account = async (where: string) => {
    const a = await first(`select * from Account where ${where}`)
    if (!a) throw new AppError('integration', 'quickbooks_mapping', `The QuickBooks company has no account where ${where}: map it under Settings → QuickBooks`)
    return String(a.Id)
  }
  const m: QuickBooksMapping = {
    serviceItemId: row.serviceItemId ?? (await findOrCreate('Item', SERVICE_ITEM_NAME, async () => ({ Name: SERVICE_ITEM_NAME, Type: 'Service', IncomeAccountRef: { value: await account("AccountType = 'Income'") } }))),
    depositAccountId: row.depositAccountId ?? (await account("AccountSubType = 'UndepositedFunds'")),
    cardMethodId: row.cardMethodId ?? (await findOrCreate('PaymentMethod', 'Credit Card', async () => ({ Name: 'Credit Card', Type: 'CREDIT_CARD' }))),
    bankMethodId: row.bankMethodId ?? (await findOrCreate('PaymentMethod', 'ACH', async () => ({ Name: 'ACH', Type: 'NON_CREDIT_CARD' }))),
    taxHandling: row.taxHandling,
    taxItemId: row.taxItemId ?? (await findOrCreate('Item', TAX_ITEM_NAME, async () => ({ Name: TAX_ITEM_NAME, Type: 'Service', IncomeAccountRef: { value: await account("AccountSubType = 'SalesTaxPayable'") } }))),
  }
  await deps.db.updateTable('quickbooksConnections').set({ ...m, updatedAt: sql`now()` }).where('id', '=', 1).where('realmId', '=', row.realmId).execute()
  return m
}

async function connectedRow(deps: ServiceDeps) {
  runtimeOf(deps)
  const row = await deps.db.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).executeTakeFirst()
  if (!row) throw notAllowed('quickbooks_not_connected', 'QuickBooks is not connected: connect it under Settings → QuickBooks')
  if (row.status !== 'connected') throw notAllowed('quickbooks_needs_reconnect', 'QuickBooks needs to be reconnected under Settings → QuickBooks')
  return row
}

function must<T>(out: AccountingOutcome<T>): T {
  if (out.status === 'ok') return out.value
  throw integration(out)
}

function integration(out: Exclude<AccountingOutcome<unknown>, { status: 'ok' }>): AppError {
  const message = 'fault' in out ? `${out.fault.message}: ${out.fault.detail}` : out.message
  return new AppError('integration', `quickbooks_${out.status}`, `QuickBooks: ${message}`)
}
