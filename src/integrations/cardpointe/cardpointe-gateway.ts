import { cents, type Cents } from '../../domain/money.ts'
import type {
  Approved,
  CardholderDetails,
  ChargeInitiator,
  ChargeOutcome,
  ChargeProfileInput,
  Declined,
  GatewayTransaction,
  Indeterminate,
  Misconfigured,
  OrderLookup,
  PaymentGateway,
  FundingEntry,
  GatewayReport,
  Retryable,
  SettledTransaction,
  SettlementReports,
  VerifyAndStoreBankAccountInput,
  VerifyAndStoreCardInput,
  StoredAccount,
  StoredLookup,
} from '../../ports/payment-gateway.ts'
import { localDate } from '../../domain/time-zone.ts'
import { readFunding, readSettlestat, wireDate } from './cardpointe-settlement.ts'
import { CardPointeClient, type AuthRequest, type CardPointeClientConfig } from './cardpointe-client.ts'
import {
  classifyFields,
  classifyTransport,
  isSafeOrderId,
  isTxnNotFound,
  newOrderId,
  parseFieldList,
  toMmyy,
  toWireAmount,
  type CardPointeFields,
  type ClassifyContext,
  type WireResult,
} from './cardpointe-mapper.ts'

/**
 * Stored-credential indicators per situation.
 * NOTE: the first sign-up is customer-initiated and establishes a recurring agreement
 * (cof C, cofscheduled Y, ecomind E); later schedule charges are merchant-initiated recurring
 * (cof M, cofscheduled Y, ecomind R — the recurring guide says R is required or it is declined).
 * [doc: CP-REPO OpenAPI + DeveloperGuides "Scheduling Recurring Payments"; external-apis.md A10]
 */
const FIRST_SIGNUP = { ecomind: 'E', cof: 'C', cofscheduled: 'Y', cofpermission: 'Y' } as const
const BY_INITIATOR: Record<ChargeInitiator, { ecomind: string; cof: string; cofscheduled: string }> = {
  scheduled_recurring: { ecomind: 'R', cof: 'M', cofscheduled: 'Y' },
  merchant_unscheduled: { ecomind: 'E', cof: 'M', cofscheduled: 'N' },
  customer: { ecomind: 'E', cof: 'C', cofscheduled: 'N' },
}

/** The gateway's own calendar: CardPointe dates batches and funding in Eastern time. */
const GATEWAY_TIME_ZONE = 'America/New_York'

/** The `PaymentGateway` and `SettlementReports` ports over the CardPointe Gateway REST API. */
export class CardPointeGateway implements PaymentGateway, SettlementReports {
  readonly #client: CardPointeClient

  constructor(config: CardPointeClientConfig) {
    this.#client = new CardPointeClient(config)
  }

  newOrderId(): string {
    return newOrderId()
  }

  /** Startup check of URL and credentials (`PUT /` answers "CardConnect REST Servlet"). */
  async verifyCredentials(): Promise<{ ok: true } | { ok: false; cause: Retryable | Misconfigured | Indeterminate }> {
    const result = await this.#client.testCredentials()
    if (result.kind === 'http' && result.status === 200 && result.body === 'CardConnect REST Servlet') return { ok: true }
    const failure = classifyTransport(result, { orderId: null, isWrite: false })
    if (failure && failure.status !== 'indeterminate') return { ok: false, cause: failure }
    const message = `CardPointe credential check answered unexpectedly: ${JSON.stringify(result).slice(0, 200)}`
    return { ok: false, cause: { status: 'misconfigured', message, httpStatus: result.kind === 'http' ? result.status : null, codes: {} } }
  }

  async verifyAndStoreCard(input: VerifyAndStoreCardInput): Promise<ChargeOutcome> {
    const amount = input.firstChargeCents ?? cents(0)
    const bad = this.#checkOrderId(input.orderId)
    if (bad) return bad
    return this.#auth(
      {
        account: input.token,
        expiry: input.expiry,
        amount: toWireAmount(amount),
        capture: amount > 0 ? 'Y' : 'N',
        orderid: input.orderId,
        profile: 'Y',
        ...FIRST_SIGNUP,
        ...(input.cvv ? { cvv2: input.cvv } : {}),
        ...holder(input.cardholder),
      },
      { orderId: input.orderId, requestedCents: amount },
    )
  }

  async verifyAndStoreBankAccount(input: VerifyAndStoreBankAccountInput): Promise<ChargeOutcome> {
    const account = {
      account: input.token ?? input.accountNumber,
      ...(input.token ? {} : { bankaba: input.routingNumber }),
      accttype: input.kind === 'savings' ? 'ESAV' : 'ECHK',
      ...holder({ ...input.cardholder, name: input.accountHolderName }),
    }
    const amount = input.firstChargeCents ?? cents(0)
    if (amount <= 0) {
      // NOTE: ACH has no $0 verification; the account is stored through the profile API.
      const result = await this.#client.saveProfile({ ...account, defaultacct: 'Y' })
      return this.#outcome(result, { orderId: null }, true)
    }
    const bad = this.#checkOrderId(input.orderId)
    if (bad) return bad
    return this.#auth(
      { ...account, amount: toWireAmount(amount), capture: 'Y', orderid: input.orderId, profile: 'Y', ecomind: 'E' },
      { orderId: input.orderId, requestedCents: amount },
    )
  }

  async chargeProfile(input: ChargeProfileInput): Promise<ChargeOutcome> {
    const bad = this.#checkOrderId(input.orderId)
    if (bad) return bad
    // Bank debits carry no card-network stored-credential fields; WEB (E) covers online mandates.
    const indicators = input.method === 'card' ? BY_INITIATOR[input.initiator] : { ecomind: 'E' }
    return this.#auth(
      {
        profile: `${input.profileId}/${input.accountId}`,
        amount: toWireAmount(input.amountCents),
        capture: 'Y',
        orderid: input.orderId,
        ...indicators,
      },
      { orderId: input.orderId, requestedCents: input.amountCents },
    )
  }

  async inquireByOrderId({ orderId }: { orderId: string }): Promise<OrderLookup> {
    const result = await this.#client.inquireByOrderid(orderId)
    if (result.kind === 'http' && result.status === 200 && isTxnNotFound(result.body)) return { status: 'not_found', orderId }
    const failure = classifyTransport(result, { orderId, isWrite: false })
    if (failure) return { status: 'unavailable', orderId, cause: failure }
    const items = parseFieldList((result as { body: unknown }).body) ?? []
    const transactions = items.map((f) => toTransaction(f, orderId)).filter((t): t is GatewayTransaction => t !== null)
    const misconfigured = items.map((f) => classifyFields(f, { orderId })).find((o) => o.status === 'misconfigured')
    if (misconfigured || transactions.length === 0) {
      const cause = misconfigured ?? { status: 'misconfigured' as const, message: 'Unreadable inquiry answer', httpStatus: 200, codes: {} }
      return { status: 'unavailable', orderId, cause }
    }
    // Several transactions can share an order id (a declined try and its approved retry, a sale
    // and its refund): the charge is the live approved one, else any approved, else the latest.
    const approved = transactions.filter((t) => t.outcome.status === 'approved')
    const charge = (approved.find((t) => t.settlementStatus !== 'Voided') ?? approved[0] ?? transactions.at(-1))!.outcome
    return { status: 'found', orderId, charge, transactions }
  }

  async void({ gatewayRef, amountCents }: { gatewayRef: string; amountCents?: Cents }): Promise<ChargeOutcome> {
    const result = await this.#client.void({ retref: gatewayRef, ...(amountCents ? { amount: toWireAmount(amountCents) } : {}) })
    return this.#outcome(result, { orderId: null }, true)
  }

  async voidByOrderId({ orderId }: { orderId: string }): Promise<ChargeOutcome> {
    return this.#outcome(await this.#client.voidByOrderId({ orderid: orderId }), { orderId }, true)
  }

  async refund({ gatewayRef, amountCents, orderId }: { gatewayRef: string; amountCents?: Cents; orderId?: string }): Promise<ChargeOutcome> {
    const result = await this.#client.refund({
      retref: gatewayRef,
      ...(amountCents ? { amount: toWireAmount(amountCents) } : {}),
      ...(orderId ? { orderid: orderId } : {}),
    })
    return this.#outcome(result, { orderId: orderId ?? null, requestedCents: amountCents }, true)
  }

  async getProfile({ profileId, accountId }: { profileId: string; accountId?: string }): Promise<StoredLookup> {
    const result = await this.#client.getProfile(profileId, accountId)
    const failure = classifyTransport(result, { orderId: null, isWrite: false })
    if (failure) return { status: 'unavailable', cause: failure }
    const items = parseFieldList((result as { body: unknown }).body) ?? []
    if (items.length === 0 || items.some((f) => f.respstat === 'C')) return { status: 'not_found' }
    return { status: 'found', accounts: items.map(toStoredAccount) }
  }

  async deleteProfile({ profileId, accountId }: { profileId: string; accountId?: string }): Promise<ChargeOutcome> {
    return this.#outcome(await this.#client.deleteProfile(profileId, accountId), { orderId: null }, true)
  }

  async settledOn(date: string): Promise<GatewayReport<SettledTransaction[]>> {
    return readSettlestat(await this.#client.settlestat({ date: wireDate(date, localDate(new Date(), GATEWAY_TIME_ZONE)) }), date)
  }

  async fundedOn(date: string): Promise<GatewayReport<FundingEntry[]>> {
    return readFunding(await this.#client.funding(wireDate(date, localDate(new Date(), GATEWAY_TIME_ZONE))), date)
  }

  async #auth(request: AuthRequest, ctx: ClassifyContext): Promise<ChargeOutcome> {
    return this.#outcome(await this.#client.auth(request), ctx, true)
  }

  #outcome(result: WireResult, ctx: ClassifyContext, isWrite: boolean): ChargeOutcome {
    const failure = classifyTransport(result, { orderId: ctx.orderId, isWrite })
    if (failure) return failure
    const [fields] = parseFieldList((result as { body: unknown }).body) ?? []
    return classifyFields(fields ?? {}, ctx)
  }

  #checkOrderId(orderId: string): ChargeOutcome | null {
    if (isSafeOrderId(orderId)) return null
    return {
      status: 'misconfigured',
      message: `Order id ${JSON.stringify(orderId)} is unsafe for CardPointe (1–19 letters/digits, no card-like digit run)`,
      httpStatus: null,
      codes: {},
    }
  }
}

function toTransaction(f: CardPointeFields, orderId: string): GatewayTransaction | null {
  const outcome = classifyFields(f, { orderId })
  if (outcome.status === 'misconfigured' || !f.retref) return null
  return {
    gatewayRef: f.retref,
    outcome: outcome as Approved | Declined | Retryable,
    settlementStatus: f.setlstat || null,
    isVoidable: f.voidable === 'Y',
    isRefundable: f.refundable === 'Y',
  }
}

function toStoredAccount(f: CardPointeFields): StoredAccount {
  return {
    profileId: f.profileid ?? '',
    accountId: f.acctid ?? '',
    accountType: f.accttype ?? '',
    token: f.token ?? '',
    lastFour: (f.token ?? '').slice(-4),
    expiry: toMmyy(f.expiry),
    isDefault: f.defaultacct === 'Y',
  }
}

function holder(h: CardholderDetails | undefined): Partial<AuthRequest> {
  if (!h) return {}
  const entries = {
    name: h.name,
    address: h.address,
    city: h.city,
    region: h.region,
    postal: h.postalCode,
    country: h.country,
    email: h.email,
    phone: h.phone,
  }
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v)) as Partial<AuthRequest>
}
