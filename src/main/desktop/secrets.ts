import { safeStorage } from 'electron'
import { createEncryptedFileSecretStore, type SecretCipher } from './encrypted-secret-store'
import type { SecretStore } from '#core'

/**
 * safeStorage as a SecretCipher. Call after app 'ready' (safeStorage is not usable before). On Linux the
 * "basic_text" backend encrypts with a key hard-coded in Chromium, which is plaintext in all but name: treated as
 * unavailable, so the user learns that no keyring is running instead of getting a false sense of safety.
 */
export const safeStorageCipher: SecretCipher = {
  unavailableReason: async () => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      return 'Electron safeStorage reports that encryption is unavailable'
    }
    if (process.platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend()
      if (backend === 'basic_text' || backend === 'unknown') {
        return `no OS keyring found (safeStorage backend "${backend}"); start GNOME Keyring or KWallet`
      }
    }
    return null
  },
  encrypt: (plain) => safeStorage.encryptStringAsync(plain),
  decrypt: async (data) => {
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(data)
    return { value: result, reEncrypt: shouldReEncrypt }
  },
}

export const createSafeStorageSecretStore = (dataDir: string): SecretStore =>
  createEncryptedFileSecretStore({ dataDir, cipher: safeStorageCipher })
