import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { CurrentSessionDto, SessionDto, UserDto } from '../../src/contracts/users.ts'
import { api, setCsrfToken, setSessionLostHandler } from './api.ts'
import { queryClient } from './query.ts'
import { setCompanyFormat } from './strings.ts'

interface SessionValue {
  /** The logged-in user, or null on the login page. */
  user: UserDto | null
  /** True while the first `GET /api/auth/session` is in flight. */
  loading: boolean
  /** Set when a call found the session gone, so the login page can say why. */
  expired: boolean
  /** Could not even ask the server (network down, 5xx): shown instead of the login page. */
  failure: string | null
  signedIn(session: SessionDto): void
  /** Re-reads the session, e.g. after an admin changed their own role. */
  refresh(): Promise<void>
  logOut(): Promise<void>
}

const SessionContext = createContext<SessionValue | null>(null)

/** Loads the current session once and keeps the CSRF token in the API client. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<UserDto | null>(null)
  const [loading, setLoading] = useState(true)
  const [expired, setExpired] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)

  useEffect(() => {
    setSessionLostHandler(() => {
      setCsrfToken(null)
      queryClient.clear()
      setUser((current) => {
        if (current) setExpired(true)
        return null
      })
    })
    // Nobody logged in is an ordinary answer (200 with nulls), so the login page loads without a console error.
    api<CurrentSessionDto>('GET', '/api/auth/session')
      .then((session) => {
        setCsrfToken(session.csrfToken)
        if (session.company) setCompanyFormat(session.company)
        setUser(session.user)
      })
      .catch((err: unknown) => setFailure(err instanceof Error ? err.message : String(err)))
      .finally(() => setLoading(false))
  }, [])

  const signedIn = useCallback((session: SessionDto) => {
    setCsrfToken(session.csrfToken)
    setCompanyFormat(session.company)
    setExpired(false)
    setUser(session.user)
  }, [])

  const refresh = useCallback(async () => {
    const session = await api<CurrentSessionDto>('GET', '/api/auth/session')
    setCsrfToken(session.csrfToken)
    if (session.company) setCompanyFormat(session.company)
    if (!session.user) setExpired(true)
    setUser(session.user)
  }, [])

  const logOut = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout')
    } finally {
      setCsrfToken(null)
      setUser(null)
      // The next person to log in on this browser sees none of this one's data.
      queryClient.clear()
    }
  }, [])

  const value = useMemo(
    () => ({ user, loading, expired, failure, signedIn, refresh, logOut }),
    [user, loading, expired, failure, signedIn, refresh, logOut],
  )
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession needs a SessionProvider')
  return value
}

/** The logged-in user; only for pages rendered behind the login. */
export function useUser(): UserDto {
  const { user } = useSession()
  if (!user) throw new Error('useUser outside the logged-in app')
  return user
}
