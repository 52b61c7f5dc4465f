import { ChangePasswordInput, LoginInput, type CurrentSessionDto } from '../../contracts/users.ts'
import { login, logout } from '../../services/auth/sessions.ts'
import { companyFormat } from '../../services/settings/company-settings.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { changeOwnPassword } from '../../services/users/manage-users.ts'
import { ANY_ROLE, defineRoute } from '../route.ts'

export const SESSION_COOKIE = 'sb_session'

export interface AuthRouteOptions {
  sessionTtlHours: number
  cookieSecure: boolean
  /** Login attempts per minute for one client address and email. */
  loginRateLimit: number
}

export const authRoutes = (deps: ServiceDeps, opts: AuthRouteOptions) => [
  defineRoute({
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Log in with email and password; sets the session cookie and returns the CSRF token',
    tag: 'auth',
    access: 'public',
    body: LoginInput,
    rateLimit: { max: opts.loginRateLimit, key: ({ ip, body }) => `${ip}|${body.email}` },
    handler: async ({ body, reply }) => {
      const session = await login({ ...deps, sessionTtlHours: opts.sessionTtlHours }, body)
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        secure: opts.cookieSecure,
        sameSite: 'lax',
        path: '/',
        expires: session.expiresAt,
      })
      return { user: session.user, csrfToken: session.csrfToken, company: await companyFormat(deps.db) }
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/auth/session',
    summary: 'The logged-in user and the CSRF token for this session; both null when nobody is logged in',
    tag: 'auth',
    // NOTE: public and 200 for nobody: the web app asks on every load, and a 401 there is the expected
    // answer on the login page, which browsers would still print as a console error.
    access: 'public',
    handler: async ({ req }): Promise<CurrentSessionDto> =>
      req.auth ? { user: req.auth.user, csrfToken: req.auth.csrfToken, company: await companyFormat(deps.db) } : { user: null, csrfToken: null, company: null },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'End this session',
    tag: 'auth',
    access: ANY_ROLE,
    handler: async ({ auth, reply }) => {
      await logout(deps, auth.sessionId)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return { ok: true }
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/auth/password',
    summary: 'Change your own password (the current one is required); your other sessions end',
    tag: 'auth',
    access: ANY_ROLE,
    body: ChangePasswordInput,
    rateLimit: { max: opts.loginRateLimit, key: ({ ip }) => `pw|${ip}` },
    handler: async ({ body, auth }) => {
      await changeOwnPassword(deps, auth.user.id, auth.sessionId, body)
      return { ok: true }
    },
  }),
]
