/**
 * The Electron app's credential vault: the sync credential encrypted with the OS keychain
 * (Electron's safeStorage: Keychain on macOS, DPAPI on Windows, the Secret Service / KWallet on
 * Linux) and the encrypted bytes in a file in userData. Never plain text: when the OS offers no
 * encryption it refuses to store the credential, with a message the sign-in dialog shows.
 * The core reaches it across the worker boundary (core-protocol.ts vault messages).
 */
import { randomUUID } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import type { SafeStorage } from 'electron'
import type { CredentialVault } from '../core/sync/credentials'

/** The part of Electron's safeStorage the vault uses (tests pass a fake). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: SafeStorage['getSelectedStorageBackend']
}

export const NO_SAFE_STORAGE_MESSAGE =
  'This computer offers Handoff no encrypted storage (no system keychain is available), so your credential is not saved. Set up the keychain, or sign in again each time.'

function assertEncryption(storage: SafeStorageLike, platform: NodeJS.Platform): void {
  if (!storage.isEncryptionAvailable()) throw new Error(NO_SAFE_STORAGE_MESSAGE)
  // On Linux without a keyring Electron falls back to a hard-coded key: that is plain text in effect.
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') throw new Error(NO_SAFE_STORAGE_MESSAGE)
}

export function safeStorageVault(file: string, storage: SafeStorageLike, platform: NodeJS.Platform = process.platform): CredentialVault {
  return {
    async load() {
      let bytes: Buffer
      try {
        bytes = await readFile(file)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw e
      }
      assertEncryption(storage, platform)
      return storage.decryptString(bytes)
    },
    async save(credential) {
      assertEncryption(storage, platform)
      const encrypted = storage.encryptString(credential)
      const temp = `${file}.${randomUUID()}.tmp`
      await writeFile(temp, encrypted, { mode: 0o600 })
      await rename(temp, file)
    },
    async clear() {
      await rm(file, { force: true })
    }
  }
}
