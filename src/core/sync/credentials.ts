/**
 * Where the sync credential is kept. The core never writes it to the database: a vault is
 * injected (CoreOptions.vault). In the Electron app the vault lives in the main process and
 * encrypts with the OS keychain (src/main/credentials.ts, through the worker's vault messages);
 * tests and the harness use memoryVault().
 */
export interface CredentialVault {
  load(): Promise<string | null>
  save(credential: string): Promise<void>
  clear(): Promise<void>
}

/** A vault in memory: forgotten when the process ends. */
export function memoryVault(initial: string | null = null): CredentialVault {
  let credential = initial
  return {
    load: () => Promise.resolve(credential),
    save: (c) => {
      credential = c
      return Promise.resolve()
    },
    clear: () => {
      credential = null
      return Promise.resolve()
    }
  }
}
