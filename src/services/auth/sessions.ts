import { createHash, randomBytes } from 'node:crypto'
import type { UserDto } from '../../contracts/users.ts'
import { AppError } from '../../domain/errors.ts'
import type { ServiceDeps } from '../deps.ts'
import { verifyPassword } from '../users/password.ts'
import { toUserDto, userRepository } from '../users/user-repository.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'

export interface AuthenticatedSession {
  user: UserDto
  csrfToken: string
  sessionId: string
}

// The cookie holds a 256-bit random token; the table holds only its SHA-256, so a leaked
// database row cannot be replayed as a cookie.
const sessionIdOf = (token: string) => `ses_${createHash('sha256').update(token).digest('base64url')}`

// A real argon2 hash of a random password: verifying against it costs the same time as a real
// user's, so response time does not reveal whether an email exists.
let dummyHash: Promise<string> | undefined
const timingDummy = async () => {
  const { hashPassword } = await import('../users/password.ts')
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

/** Checks email and password and opens a session; one vague error for every failure. */
export async function login(
  deps: ServiceDeps & { sessionTtlHours: number },
  input: { email: string; password: string },
): Promise<AuthenticatedSession & { token: string; expiresAt: Date }> {
  const user = await userRepository.findByEmailWithHash(deps.db, input.email)
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyPassword(await timingDummy(), input.password).then(() => false)
  if (!user || !ok || !user.isActive)
    throw new AppError('unauthorized', 'invalid_credentials', 'Email or password is incorrect')
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(32).toString('base64url')
  const expiresAt = new Date(deps.clock.now().getTime() + deps.sessionTtlHours * 3600_000)
  const sessionId = sessionIdOf(token)
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('sessions').values({ id: sessionId, userId: user.id, csrfToken, expiresAt }).execute()
    await recordAuditEvent(tx, { entityType: 'user', entityId: user.id, action: 'user.logged_in', actorUserId: user.id })
  })
  return { user: toUserDto(user), csrfToken, sessionId, token, expiresAt }
}

/** The live session for a cookie token, or undefined when missing, expired or the user is inactive. */
export async function findSession(deps: ServiceDeps, token: string): Promise<AuthenticatedSession | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined
  const row = await deps.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select(['s.id as sessionId', 's.csrfToken', 's.expiresAt', 'u.id', 'u.email', 'u.name', 'u.role', 'u.isActive', 'u.createdAt'])
    .where('s.id', '=', sessionIdOf(token))
    .executeTakeFirst()
  if (!row || !row.isActive || row.expiresAt <= deps.clock.now()) return undefined
  return { user: toUserDto(row), csrfToken: row.csrfToken, sessionId: row.sessionId }
}

/** Ends one session. */
export async function logout(deps: ServiceDeps, sessionId: string): Promise<void> {
  await deps.db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}

/** Deletes expired sessions (run at start and periodically). */
export async function purgeExpiredSessions(deps: ServiceDeps): Promise<void> {
  await deps.db.deleteFrom('sessions').where('expiresAt', '<=', deps.clock.now()).execute()
}
