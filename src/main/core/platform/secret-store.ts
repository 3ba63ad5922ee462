import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Secrets (feed API keys, basic-auth passwords) live outside the database so a copied .sqlite file or an export
 * never carries them. The desktop passes a store backed by Electron's safeStorage; headless mode uses this file
 * store, readable only by its owner.
 */
export type SecretStore = {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

export const createFileSecretStore = (dataDir: string, fileName = 'secrets.json'): SecretStore => {
  const file = join(dataDir, fileName)
  const read = (): Record<string, string> =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {}
  const write = (all: Record<string, string>) => {
    const tmp = `${file}.tmp`
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, file)
  }
  return {
    get: async (key) => read()[key],
    set: async (key, value) => {
      write({ ...read(), [key]: value })
    },
    delete: async (key) => {
      const all = read()
      delete all[key]
      write(all)
    },
  }
}

export const createMemorySecretStore = (): SecretStore => {
  const m = new Map<string, string>()
  return {
    get: async (k) => m.get(k),
    set: async (k, v) => {
      m.set(k, v)
    },
    delete: async (k) => {
      m.delete(k)
    },
  }
}
