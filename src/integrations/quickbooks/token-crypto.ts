import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * OAuth tokens at rest: AES-256-GCM with the key from QUICKBOOKS_TOKEN_KEY (32 bytes). A
 * sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url): a fresh 12-byte IV every time,
 * and the 16-byte tag makes any change to the stored text fail to open. `context` (e.g. the
 * realm id) is bound as additional data, so a token copied to another connection's row does
 * not open there.
 */
const VERSION = 'v1'

export function sealToken(plaintext: string, key: Buffer, context = ''): string {
  assertKey(key)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.')
}

/** The plaintext; throws when the value was changed, or the key or context is not the one it was sealed with. */
export function openToken(sealed: string, key: Buffer, context = ''): string {
  assertKey(key)
  const [version, iv, tag, ciphertext] = sealed.split('.')
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed token')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(context, 'utf8'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new Error('sealed token does not open with this key and context (changed, or sealed with another key)')
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error(`token key must be 32 bytes, got ${key.length}`)
}
