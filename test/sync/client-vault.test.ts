import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCoreWorker } from '../../src/core/worker/host'
import { memoryVault, type CredentialVault } from '../../src/core/sync/credentials'
import { NO_SAFE_STORAGE_MESSAGE, safeStorageVault, type SafeStorageLike } from '../../src/main/credentials'
import type { SyncStatus } from '../../src/shared/contract'
import { tsWorkerUrl } from '../support/ts-worker'
import { tempDir } from '../core/helpers/workspace'
import { AGENT, CREDENTIAL, ME, page } from './client-helpers'

/** Stands in for Electron's safeStorage: "encrypts" by reversing and prefixing the bytes. */
function fakeSafeStorage(available = true, backend: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>> = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.concat([Buffer.from('ENC:'), Buffer.from(s).reverse()]),
    decryptString: (b: Buffer) => Buffer.from(b.subarray(4)).reverse().toString()
  }
}

describe('the safeStorage vault (Electron main)', () => {
  it('stores only the encrypted bytes, reads them back, and forgets them', async () => {
    const file = join(tempDir(), 'sync-credential.bin')
    const vault = safeStorageVault(file, fakeSafeStorage(), 'linux')
    expect(await vault.load()).toBeNull()
    await vault.save(CREDENTIAL)
    expect(readFileSync(file).toString()).not.toContain(CREDENTIAL)
    expect(await vault.load()).toBe(CREDENTIAL)
    await vault.clear()
    expect(existsSync(file)).toBe(false)
    expect(await vault.load()).toBeNull()
    await vault.clear() // twice is fine
  })

  it('refuses to store when the OS offers no encryption, or only the plain-text fallback', async () => {
    for (const storage of [fakeSafeStorage(false), fakeSafeStorage(true, 'basic_text')]) {
      const file = join(tempDir(), 'sync-credential.bin')
      await expect(safeStorageVault(file, storage, 'linux').save(CREDENTIAL)).rejects.toThrow(NO_SAFE_STORAGE_MESSAGE)
      expect(existsSync(file)).toBe(false)
    }
  })
})

describe('the vault across the worker boundary', () => {
  let http: Server
  let base: string
  beforeAll(async () => {
    http = createServer((req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.headers.authorization !== `Bearer ${CREDENTIAL}`) return json(401, { error: { code: 'unauthorized', message: 'No.' } })
      if (req.url === '/v1/me') return json(200, ME)
      if (req.url === '/v1/pull') return json(200, page(0, { agents: [AGENT] }))
      if (req.url === '/v1/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        return res.write(': hi\n\n')
      }
      json(404, { error: { code: 'not_found', message: 'No.' } })
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  })

  it('signs in from the worker, keeps the credential in the host vault, and resumes with it after a restart', async () => {
    const workerFile = tsWorkerUrl(new URL('../../src/core/worker/entry.ts', import.meta.url))
    const file = join(tempDir(), 'handoff.sqlite')
    const saved: string[] = []
    const inner = memoryVault()
    const vault: CredentialVault = { ...inner, save: (c) => (saved.push(c), inner.save(c)) }
    const host = startCoreWorker(workerFile, { file }, { vault })
    const signedIn = await host.call('sync.signIn', { serverUrl: base, credential: CREDENTIAL })
    expect(signedIn).toMatchObject({ ok: true, value: { agentId: AGENT.id, serverUrl: base } })
    expect(saved).toEqual([CREDENTIAL])
    await host.close()

    const again = startCoreWorker(workerFile, { file }, { vault })
    let state = ''
    for (let i = 0; i < 200 && state !== 'online'; i++) {
      const answer = await again.call('sync.status', {})
      state = answer.ok ? (answer.value as SyncStatus).state : 'error'
      if (state !== 'online') await new Promise((r) => setTimeout(r, 20))
    }
    expect(state).toBe('online')
    expect(await again.call('sync.signOut', {})).toMatchObject({ ok: true, value: { state: 'signed_out' } })
    await again.call('sync.status', {}) // the clear request has reached the host by now
    expect(await inner.load()).toBeNull()
    await again.close()
  })

  it('a host without a vault refuses to store a credential, and the workspace stays unbound', async () => {
    const workerFile = tsWorkerUrl(new URL('../../src/core/worker/entry.ts', import.meta.url))
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite') })
    const answer = await host.call('sync.signIn', { serverUrl: base, credential: CREDENTIAL })
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/could not be stored safely/) } })
    expect(await host.call('sync.status', {})).toMatchObject({ ok: true, value: { state: 'local' } })
    await host.close()
  })
})
