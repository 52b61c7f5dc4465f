/** The one way the web app talks to the server: JSON in and out, CSRF header on changes. */

export interface FieldErrors {
  [path: string]: string
}

/** A failed API call in the server's `{ error: { code, message, details } }` shape. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** Field path → reason, from `details.fields` (422 validation, some 409 conflicts). */
  readonly fields: FieldErrors
  /** The error's whole `details` (e.g. `conflicts` of a schedule change). */
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, fields: FieldErrors = {}, details: Record<string, unknown> = {}) {
    super(message)
    this.details = details
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
  }
}

let csrfToken: string | null = null
let onSessionLost: () => void = () => {}
let onChanged: () => void = () => {}

/** Remembers the session's CSRF token (from login or `GET /api/auth/session`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when the server says we are no longer logged in (expired or ended session). */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler
}

/** Called after every call that may have changed something (any method but GET), whatever its outcome. */
export function setChangeHandler(handler: () => void): void {
  onChanged = handler
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Calls the API; resolves with the JSON body or rejects with an ApiError. */
export async function api<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal })
  } catch (err) {
    if (signal?.aborted) throw err
    throw new ApiError(0, 'network_error', 'The server could not be reached; check the connection and try again')
  } finally {
    // A declined retry or a refused change can still have written something (an attempt, an audit line).
    if (method !== 'GET') onChanged()
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null)
  if (res.ok) return data as T
  const error = readError(data)
  const apiError = new ApiError(res.status, error.code ?? 'http_error', error.message ?? `The server answered ${res.status}`, error.fields, error.details)
  if (res.status === 401 && apiError.code === 'not_logged_in') onSessionLost()
  throw apiError
}

function readError(data: unknown): { code?: string; message?: string; fields?: FieldErrors; details?: Record<string, unknown> } {
  if (typeof data !== 'object' || data === null || !('error' in data)) return {}
  const error = (data as { error: { code?: string; message?: string; details?: { fields?: FieldErrors } | null } }).error
  return { code: error.code, message: error.message, fields: error.details?.fields ?? {}, details: error.details ?? {} }
}

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : 'Something went wrong'
}
