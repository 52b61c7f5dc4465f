import type { z } from 'zod'
import type { UserCreateInput, UserDto, UserUpdateInput } from '../../contracts/users.ts'
import { AppError, conflict, notFound, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { hashPassword, verifyPassword } from './password.ts'
import { toUserDto, userRepository } from './user-repository.ts'

/** Creates an office account; emails are unique regardless of case. */
export async function createUser(
  deps: ServiceDeps,
  input: z.infer<typeof UserCreateInput>,
  actor: ActorId,
): Promise<UserDto> {
  if (await userRepository.findByEmailWithHash(deps.db, input.email))
    throw new AppError('conflict', 'email_taken', 'A user with this email already exists', {
      fields: { email: 'is already used by another user' },
    })
  const passwordHash = await hashPassword(input.password)
  const id = newId('usr')
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values({ id, email: input.email, name: input.name, role: input.role, passwordHash })
      .execute()
    await recordAuditEvent(tx, { entityType: 'user', entityId: id, action: 'user.created', actorUserId: actor, details: { role: input.role } })
  })
  return toUserDto((await userRepository.findById(deps.db, id))!)
}

/** Changes a user's name, role, active flag or password; never leaves the company without an active admin. */
export async function updateUser(
  deps: ServiceDeps,
  id: string,
  input: z.infer<typeof UserUpdateInput>,
  actor: ActorId,
): Promise<UserDto> {
  const user = await userRepository.findById(deps.db, id)
  if (!user) throw notFound('user', id)
  const losesAdmin = user.role === 'admin' && user.isActive && ((input.role && input.role !== 'admin') || input.isActive === false)
  if (losesAdmin && (await userRepository.countActiveAdmins(deps.db)) <= 1)
    throw conflict('last_admin', 'This is the only active admin; make another user admin first')
  const passwordHash = input.password ? await hashPassword(input.password) : undefined
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        updatedAt: deps.clock.now(),
      })
      .where('id', '=', id)
      .execute()
    // A deactivated user or a new password ends every open session of that user.
    if (input.isActive === false || passwordHash) await tx.deleteFrom('sessions').where('userId', '=', id).execute()
    // Checked again inside the transaction: two admins demoting each other at once must not both win.
    if (losesAdmin && (await userRepository.countActiveAdmins(tx)) < 1)
      throw conflict('last_admin', 'This is the only active admin; make another user admin first')
    const changed = Object.keys(input).filter((k) => k !== 'password')
    await recordAuditEvent(tx, {
      entityType: 'user',
      entityId: id,
      action: 'user.updated',
      actorUserId: actor,
      details: { changed, passwordChanged: Boolean(passwordHash) },
    })
  })
  return toUserDto((await userRepository.findById(deps.db, id))!)
}

/** A user changes their own password: the current one is required; their other sessions end. */
export async function changeOwnPassword(
  deps: ServiceDeps,
  userId: string,
  keepSessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await userRepository.findById(deps.db, userId)
  if (!user) throw notFound('user', userId)
  const withHash = await userRepository.findByEmailWithHash(deps.db, user.email)
  if (!withHash || !(await verifyPassword(withHash.passwordHash, input.currentPassword)))
    throw validationError({ currentPassword: 'is not your current password' })
  const passwordHash = await hashPassword(input.newPassword)
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ passwordHash, updatedAt: deps.clock.now() }).where('id', '=', userId).execute()
    await tx.deleteFrom('sessions').where('userId', '=', userId).where('id', '!=', keepSessionId).execute()
    await recordAuditEvent(tx, { entityType: 'user', entityId: userId, action: 'user.password_changed', actorUserId: userId })
  })
}
