import { randomUUID } from 'node:crypto'

/**
 * The wire shapes the QuickBooks Online sandbox answers with: the `Fault` envelope of
 * validation and business errors, the lower-case `fault` envelope of the gateway's
 * authentication layer, the XML throttle body, and Intuit's time stamps.
 * [doc: external-apis.md B3, B11]
 */

/** A JSON answer with its HTTP status; `text` set means a non-JSON body (XML, HTML). */
export interface Reply {
  status: number
  json?: unknown
  text?: string
  contentType?: string
  headers?: Record<string, string>
  /** A write that changed stored data: may be "dropped after the write" by the faults. */
  wrote?: boolean
}

export type Json = Record<string, unknown>

/** Sandbox companies keep Pacific time, like Intuit's sandbox companies. */
export const COMPANY_TIME_ZONE = 'America/Los_Angeles'

/** `2015-07-24T10:33:39-07:00`, the form Intuit uses in MetaData and `time`. */
export function intuitTime(date: Date = new Date(), withMillis = false): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: COMPANY_TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '')
  const millis = withMillis ? `.${String(date.getMilliseconds()).padStart(3, '0')}` : ''
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${millis}${offset}`
}

/** Today's date in the company's time zone (the default TxnDate). */
export function companyToday(date: Date = new Date()): string {
  return intuitTime(date).slice(0, 10)
}

export interface FaultError {
  code: string
  message: string
  detail: string
  element?: string
}

/** The standard `{"Fault":{"Error":[…],"type":…}}` body, HTTP 400 unless told. */
export function fault(error: FaultError, type = 'ValidationFault', status = 400): Reply {
  return { status, json: faultBody(error, type) }
}

export function faultBody(error: FaultError, type = 'ValidationFault'): Json {
  return {
    Fault: { Error: [{ Message: error.message, Detail: error.detail, code: error.code, element: error.element ?? '' }], type },
    time: intuitTime(new Date(), true),
  }
}

/** The authentication layer's lower-case envelope (401 expired/invalid token, 403 wrong realm). */
export function authFault(status: 401 | 403, detail: string): Reply {
  const code = status === 401 ? '3200' : '3100'
  const name = status === 401 ? 'AuthenticationFailed' : 'AuthorizationFailed'
  return {
    status,
    headers: status === 401 ? { 'www-authenticate': 'Bearer realm="Intuit"' } : {},
    json: {
      warnings: null,
      intuitObject: null,
      fault: {
        error: [{ message: `message=${name}; errorCode=00${code}; statusCode=${status}`, detail, code, element: null }],
        type: status === 401 ? 'AUTHENTICATION' : 'AUTHORIZATION',
      },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: Date.now(),
      status: null,
      cdcresponse: [],
    },
  }
}

/** 429 ThrottleExceeded, in XML as Intuit has been seen to send it even to JSON clients. */
export function throttleFault(format: 'xml' | 'json', retryAfterSeconds: number | null): Reply {
  const message = 'message=ThrottleExceeded; errorCode=003001; statusCode=429'
  const detail = 'The request limit was reached. Try again later'
  const headers: Record<string, string> = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {}
  if (format === 'json') return { status: 429, headers, json: faultBody({ code: '3001', message, detail }, 'SERVICE') }
  const time = intuitTime(new Date(), true)
  return {
    status: 429,
    headers,
    contentType: 'application/xml',
    text:
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
      `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
      `<Fault type="SERVICE"><Error code="3001"><Message>${message}</Message><Detail>${detail}</Detail></Error></Fault>` +
      `</IntuitResponse>`,
  }
}

/** HTTP 500 SystemFault: nothing was done. */
export function systemFault(): Reply {
  return fault(
    { code: '10000', message: 'An application error has occurred while processing your request', detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.' },
    'SystemFault',
    500,
  )
}

export const Faults = {
  notFound: (): FaultError => ({
    code: '610',
    message: 'Object Not Found',
    detail: "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
  }),
  missing: (field: string): FaultError => ({
    code: '2020',
    message: 'Required param missing, need to supply the required value for the API',
    detail: `Required parameter ${field} is missing in the request`,
    element: field,
  }),
  invalidReference: (field: string, id: string): FaultError => ({
    code: '2500',
    message: 'Invalid Reference Id',
    detail: `Invalid Reference Id : ${field} ${id} does not exist`,
    element: field,
  }),
  invalidEnum: (field: string, value: string): FaultError => ({
    code: '2170',
    message: 'Invalid Enumeration',
    detail: `Invalid Enumeration : ${value}`,
    element: field,
  }),
  invalidNumber: (field: string, value: unknown): FaultError => ({
    code: '2030',
    message: 'Invalid ID',
    detail: `Id should be a valid number. Supplied value:${String(value)}`,
    element: field,
  }),
  stale: (id: string, given: string, current: string): FaultError => ({
    code: '5010',
    message: 'Stale Object Error',
    detail: `Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved. (Id=${id}, SyncToken given ${given}, current ${current})`,
  }),
  duplicateName: (): FaultError => ({
    code: '6240',
    message: 'Duplicate Name Exists Error',
    detail: 'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
  }),
  duplicateItemName: (): FaultError => ({
    code: '6240',
    message: 'Duplicate Name Exists Error',
    detail: 'The name supplied already exists. : Another product or service is already using this name. Please use a different name.',
  }),
  duplicateDocNumber: (docNumber: string, type: string, id: string): FaultError => ({
    code: '6140',
    message: 'Duplicate Document Number Error',
    detail: `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${type} with TxnId=${id}`,
  }),
  business: (detail: string, element?: string): FaultError => ({
    code: '6000',
    message: 'A business validation error has occurred while processing your request',
    detail: `Business Validation Error: ${detail}`,
    element,
  }),
  unsupported: (operation: string): FaultError => ({
    code: '500',
    message: 'Unsupported Operation',
    detail: `Operation ${operation} is not supported.`,
  }),
  badRequest: (detail: string): FaultError => ({ code: '2010', message: 'Request has invalid or unsupported property', detail }),
  queryParse: (detail: string): FaultError => ({ code: '4000', message: 'Error parsing query', detail: `QueryParserError: ${detail}` }),
  queryInvalid: (detail: string): FaultError => ({ code: '4001', message: 'Invalid query', detail: `QueryValidationError: ${detail}` }),
}

export function newTid(): string {
  return randomUUID()
}
