import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '#shared/contract'
import type { SecretStore } from '#core'

/**
 * What the encrypted store needs from the OS keychain. The desktop passes Electron's safeStorage
 * (src/main/desktop/secrets.ts); tests pass a real AES cipher.
 */
export type SecretCipher = {
  /** Null when encryption can be used; otherwise a sentence saying why not. */
  unavailableReason(): Promise<string | null>
  encrypt(plain: string): Promise<Buffer>
  /** `reEncrypt` is true when the OS rotated its key: the value should be written again. */
  decrypt(data: Buffer): Promise<{ value: string; reEncrypt: boolean }>
}

type FileShape = { version: 1; entries: Record<string, string> }
/** In memory the entries are a Map, so a key such as "__proto__" or "constructor" is just a key. */
type Entries = Map<string, string>

const MAX_FILE_BYTES = 4 * 1024 * 1024

/**
 * Secrets encrypted by the OS keychain, one base64 blob per key, in a 0600 JSON file in the data directory.
 * When the keychain is unavailable the store refuses to save (and to read what it cannot decrypt) with an error
 * that says why: silently keeping an API key in plaintext would defeat the point of asking the OS.
 */
export const createEncryptedFileSecretStore = (opts: {
  dataDir: string
  cipher: SecretCipher
  fileName?: string
}): SecretStore => {
  const file = join(opts.dataDir, opts.fileName ?? 'secrets.enc.json')

  const read = (): Entries => {
    if (!existsSync(file)) return new Map()
    const text = readFileSync(file, 'utf8')
    if (text.length > MAX_FILE_BYTES) {
      throw new AppError(
        'internal',
        `Secret file ${file} is larger than ${MAX_FILE_BYTES} bytes; refusing to read it`,
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new AppError(
        'internal',
        `Secret file ${file} is not valid JSON; move it aside to start over`,
      )
    }
    if (!isFileShape(parsed)) {
      throw new AppError(
        'internal',
        `Secret file ${file} has an unknown layout (expected { version: 1, entries })`,
      )
    }
    return new Map(Object.entries(parsed.entries))
  }

  const write = (entries: Entries) => {
    const tmp = `${file}.tmp`
    const shape: FileShape = { version: 1, entries: Object.fromEntries(entries) }
    writeFileSync(tmp, JSON.stringify(shape), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, file)
  }

  const requireEncryption = async (action: string, key: string) => {
    const reason = await opts.cipher.unavailableReason()
    if (reason !== null) {
      throw new AppError(
        'unsupported',
        `Cannot ${action} secret "${key}": the OS keychain is not available (${reason}). ThreatEye does not keep secrets in plaintext.`,
        { key, reason },
      )
    }
  }

  // Read-modify-write of one file: serialise so two concurrent set() calls cannot lose each other's entry.
  let tail: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => undefined)
    return run
  }

  return {
    get: (key) =>
      serial(async () => {
        const blob = read().get(key)
        if (blob === undefined) return undefined
        await requireEncryption('read', key)
        const { value, reEncrypt } = await opts.cipher.decrypt(Buffer.from(blob, 'base64'))
        if (reEncrypt) {
          const entries = read()
          entries.set(key, (await opts.cipher.encrypt(value)).toString('base64'))
          write(entries)
        }
        return value
      }),
    set: (key, value) =>
      serial(async () => {
        await requireEncryption('store', key)
        const encrypted = await opts.cipher.encrypt(value)
        const entries = read()
        entries.set(key, encrypted.toString('base64'))
        write(entries)
      }),
    // Deleting needs no keychain: removing a ciphertext must work even when the OS cannot decrypt it any more.
    delete: (key) =>
      serial(async () => {
        const entries = read()
        if (!entries.delete(key)) return
        write(entries)
      }),
  }
}

const isFileShape = (v: unknown): v is FileShape => {
  if (typeof v !== 'object' || v === null) return false
  const o = v as { version?: unknown; entries?: unknown }
  if (
    o.version !== 1 ||
    typeof o.entries !== 'object' ||
    o.entries === null ||
    Array.isArray(o.entries)
  )
    return false
  return Object.values(o.entries).every((x) => typeof x === 'string')
}
