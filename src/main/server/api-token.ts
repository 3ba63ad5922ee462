import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '#shared/contract'

export const TOKEN_FILE = 'api-token'
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

/**
 * The bearer token of the local HTTP API: 32 random bytes, base64url, in `<dataDir>/api-token` readable only by
 * its owner. Created once with O_EXCL so two processes starting together cannot write different tokens.
 */
export const loadOrCreateToken = (dataDir: string): string => {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, TOKEN_FILE)
  const token = randomBytes(32).toString('base64url')
  try {
    const fd = openSync(file, 'wx', 0o600)
    try {
      writeSync(fd, token + '\n')
    } finally {
      closeSync(fd)
    }
    // The umask may have narrowed the mode further but never widened it; be explicit anyway.
    chmodSync(file, 0o600)
    return token
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  const existing = readFileSync(file, 'utf8').trim()
  if (!TOKEN_SHAPE.test(existing)) {
    throw new AppError(
      'internal',
      `The API token file ${file} is not a 43-character base64url token; delete it to generate a new one`,
      { file },
    )
  }
  return existing
}

/**
 * Compares a presented token with the real one in constant time. Hashing first gives both sides the same
 * length, so neither the content nor the length of the secret leaks through timing.
 */
export const tokenMatches = (presented: string | undefined, expected: string): boolean => {
  if (presented === undefined) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
