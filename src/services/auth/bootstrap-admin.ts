import { randomBytes } from 'node:crypto'
import type { ServiceDeps } from '../deps.ts'
import { createUser } from '../users/manage-users.ts'
import { userRepository } from '../users/user-repository.ts'

export type BootstrapResult =
  | { created: false }
  | { created: true; email: string; generatedPassword?: string }

/**
 * On first start (no users at all) creates the first admin: from ADMIN_EMAIL / ADMIN_PASSWORD when
 * both are set, otherwise admin@example.com with a generated password that the caller prints once.
 */
export async function bootstrapAdmin(
  deps: ServiceDeps,
  given: { email?: string; password?: string },
): Promise<BootstrapResult> {
  if ((await userRepository.count(deps.db)) > 0) return { created: false }
  const email = given.email ?? 'admin@example.com'
  const generatedPassword = given.password ? undefined : randomBytes(12).toString('base64url')
  try {
    await createUser(deps, { email, name: 'Administrator', role: 'admin', password: given.password ?? generatedPassword! }, null)
  } catch (e) {
    // Several servers started at once on one empty PostgreSQL all find no user; the first to insert
    // wins and the others see the e-mail taken (by the check or the unique index). Not an error then.
    if ((await userRepository.count(deps.db)) > 0) return { created: false }
    throw e
  }
  return { created: true, email, ...(generatedPassword ? { generatedPassword } : {}) }
}
