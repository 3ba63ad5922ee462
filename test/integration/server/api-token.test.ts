import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TOKEN_FILE, loadOrCreateToken, tokenMatches } from '#server/api-token'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'te-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('loadOrCreateToken', () => {
  it('creates 32 random bytes as base64url in a 0600 file, then keeps returning it', () => {
    const dir = join(tempDir(), 'nested', 'data')
    const token = loadOrCreateToken(dir)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    const file = join(dir, TOKEN_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim()).toBe(token)
    expect(loadOrCreateToken(dir)).toBe(token)
    expect(loadOrCreateToken(tempDir())).not.toBe(token)
  })

  it('refuses a corrupt token file, naming it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, TOKEN_FILE), 'short\n')
    expect(() => loadOrCreateToken(dir)).toThrow(TOKEN_FILE)
  })
})

describe('tokenMatches', () => {
  it('matches only the exact token', () => {
    const token = 'a'.repeat(43)
    expect(tokenMatches(token, token)).toBe(true)
    expect(tokenMatches('a'.repeat(42), token)).toBe(false)
    expect(tokenMatches(`${token}a`, token)).toBe(false)
    expect(tokenMatches(undefined, token)).toBe(false)
    expect(tokenMatches('', token)).toBe(false)
  })
})
