import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract'
import { createEncryptedFileSecretStore, type SecretCipher } from '#desktop/encrypted-secret-store'

/** A real AES-256-GCM cipher standing in for the OS keychain (safeStorage needs Electron). */
const aesCipher = (opts: {
  available: () => boolean
  rotateOnDecrypt?: boolean
}): SecretCipher & { keyId: number } => {
  const keys = [randomBytes(32)]
  const state = { keyId: 0 }
  const encryptWith = (keyId: number, plain: string) => {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', keys[keyId], iv)
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
    return Buffer.concat([Buffer.from([keyId]), iv, c.getAuthTag(), body])
  }
  return {
    get keyId() {
      return state.keyId
    },
    unavailableReason: async () => (opts.available() ? null : 'test keychain is locked'),
    encrypt: async (plain) => encryptWith(state.keyId, plain),
    decrypt: async (data) => {
      const keyId = data[0]
      const d = createDecipheriv('aes-256-gcm', keys[keyId], data.subarray(1, 13))
      d.setAuthTag(data.subarray(13, 29))
      const value = Buffer.concat([d.update(data.subarray(29)), d.final()]).toString('utf8')
      if (opts.rotateOnDecrypt && state.keyId === keyId) {
        keys.push(randomBytes(32))
        state.keyId = keys.length - 1
      }
      return { value, reEncrypt: keyId !== state.keyId }
    },
  }
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('createEncryptedFileSecretStore', () => {
  it('round-trips secrets and never writes them in plaintext', async () => {
    const store = createEncryptedFileSecretStore({
      dataDir: dir,
      cipher: aesCipher({ available: () => true }),
    })
    await store.set('feed:1:apiKey', 'sk-super-secret-value')
    await store.set('__proto__', 'odd key')
    expect(await store.get('feed:1:apiKey')).toBe('sk-super-secret-value')
    expect(await store.get('__proto__')).toBe('odd key')
    expect(await store.get('constructor')).toBeUndefined()
    const file = join(dir, 'secrets.enc.json')
    expect(readFileSync(file, 'utf8')).not.toContain('super-secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('keeps every entry when writes overlap', async () => {
    const store = createEncryptedFileSecretStore({
      dataDir: dir,
      cipher: aesCipher({ available: () => true }),
    })
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)))
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`k${i}`)))
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`))
  })

  it('refuses to store when the keychain is unavailable, with a message that says why', async () => {
    const store = createEncryptedFileSecretStore({
      dataDir: dir,
      cipher: aesCipher({ available: () => false }),
    })
    const error = await store.set('feed:2:apiKey', 'x').then(
      () => null,
      (e: unknown) => e,
    )
    expect(isAppError(error) && error.code).toBe('unsupported')
    expect(String((error as Error).message)).toMatch(
      /feed:2:apiKey.*test keychain is locked.*plaintext/,
    )
    expect(await store.get('feed:2:apiKey')).toBeUndefined()
  })

  it('refuses to read a stored secret once the keychain is gone, but can still delete it', async () => {
    let available = true
    const store = createEncryptedFileSecretStore({
      dataDir: dir,
      cipher: aesCipher({ available: () => available }),
    })
    await store.set('k', 'v')
    available = false
    await expect(store.get('k')).rejects.toThrow(/Cannot read secret "k"/)
    await store.delete('k')
    available = true
    expect(await store.get('k')).toBeUndefined()
  })

  it('re-encrypts a value when the keychain rotated its key', async () => {
    const cipher = aesCipher({ available: () => true, rotateOnDecrypt: true })
    const store = createEncryptedFileSecretStore({ dataDir: dir, cipher })
    await store.set('k', 'v')
    const before = readFileSync(join(dir, 'secrets.enc.json'), 'utf8')
    expect(await store.get('k')).toBe('v')
    const after = readFileSync(join(dir, 'secrets.enc.json'), 'utf8')
    expect(after).not.toBe(before)
    expect(cipher.keyId).toBe(1)
    expect(await store.get('k')).toBe('v')
  })

  it('names the file when it is corrupt instead of silently starting over', async () => {
    writeFileSync(join(dir, 'secrets.enc.json'), '{not json')
    const store = createEncryptedFileSecretStore({
      dataDir: dir,
      cipher: aesCipher({ available: () => true }),
    })
    await expect(store.get('k')).rejects.toThrow(/secrets\.enc\.json is not valid JSON/)
    writeFileSync(join(dir, 'secrets.enc.json'), JSON.stringify({ version: 2, entries: {} }))
    await expect(store.set('k', 'v')).rejects.toThrow(/unknown layout/)
  })
})
