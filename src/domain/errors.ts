/**
 * The closed set of error kinds that services may raise. Each kind maps to
 * exactly one HTTP status in `http/error-handler.ts`; services never know
 * status codes.
 */
export type ErrorKind =
  | 'not_found'
  | 'validation'
  | 'not_allowed'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'integration'

/** Field path → human-readable reason, e.g. `{ 'locations.0.postalCode': 'must be 5 digits' }`. */
export type FieldErrors = Record<string, string>

/** An expected, classified failure with a stable snake_case `code`. */
export class AppError extends Error {
  readonly kind: ErrorKind
  readonly code: string
  readonly details?: unknown

  constructor(kind: ErrorKind, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.kind = kind
    this.code = code
    this.details = details
  }
}

export const notFound = (what: string, id: string) =>
  new AppError('not_found', `${what}_not_found`, `No ${what.replace(/_/g, ' ')} with id ${id}`)

export const validationError = (fields: FieldErrors, message = 'Some fields are invalid') =>
  new AppError('validation', 'validation_failed', message, { fields })

export const conflict = (code: string, message: string) => new AppError('conflict', code, message)

export const notAllowed = (code: string, message: string) => new AppError('not_allowed', code, message)

/**
 * The end of an exhaustive `switch` over a closed union: the call only compiles when every
 * member has been handled (`x` is then `never`), so a new member is a type error at each caller.
 */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`)
}
