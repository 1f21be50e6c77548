/**
 * The console refuses a plain http:// server on another computer unless the agent explicitly
 * allows it (issue 13): the credential travels with every request. Through the core's dispatch,
 * the way the renderer's sign-in form calls it; the transport factory records which addresses
 * the core went on to contact (none when it refused).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import { SyncTransportError, type SyncTransport } from '../../src/core/sync/transport'
import { argSchemas, isUnencryptedRemote, type Envelope } from '../../src/shared/contract'
import { FIXED_NOW, tempFile } from '../core/helpers/workspace'
import { CREDENTIAL } from './client-helpers'

let cores: Core[] = []
afterEach(() => {
  for (const c of cores) c.close()
  cores = []
})

/** A core whose transport records the address and answers like an unreachable server. */
function coreRecordingAddresses(): { core: Core; contacted: string[] } {
  const contacted: string[] = []
  const unreachable = () => Promise.reject(new SyncTransportError('network', 'Could not reach the server (test).'))
  const core = createCore({
    file: tempFile(),
    now: () => FIXED_NOW,
    vault: memoryVault(),
    transportFactory: (url): SyncTransport => {
      contacted.push(url)
      return { me: unreachable, push: unreachable, pull: unreachable } as unknown as SyncTransport
    }
  })
  cores.push(core)
  return { core, contacted }
}

const errorOf = (e: Envelope<unknown>) => {
  if (e.ok) throw new Error(`expected a failure, got ${JSON.stringify(e.value)}`)
  return e.error
}

describe('signing in over plain http', () => {
  it('refuses http:// to another computer without consent, before any network call', async () => {
    const { core, contacted } = coreRecordingAddresses()
    for (const serverUrl of ['http://10.0.0.5:8787', 'http://handoff.example.com', 'http://127.0.0.1.evil.example']) {
      const error = errorOf(await core.dispatch('sync.signIn', { serverUrl, credential: CREDENTIAL }))
      expect(error.code, serverUrl).toBe('invalid_argument')
      expect(error.message, serverUrl).toMatch(/allow an unencrypted connection/)
      expect(errorOf(await core.dispatch('sync.signIn', { serverUrl, credential: CREDENTIAL, allowUnencrypted: false })).message).toMatch(/https:\/\//)
    }
    expect(contacted).toEqual([])
  })

  it('goes ahead when the agent allows it, and needs no consent for https or this computer', async () => {
    const { core, contacted } = coreRecordingAddresses()
    for (const [serverUrl, allowUnencrypted] of [
      ['http://10.0.0.5:8787', true],
      ['https://handoff.example.com', undefined],
      ['http://127.0.0.1:8787', undefined],
      ['http://localhost:8787', undefined],
      ['http://[::1]:8787', undefined]
    ] as const) {
      const error = errorOf(await core.dispatch('sync.signIn', { serverUrl, credential: CREDENTIAL, ...(allowUnencrypted ? { allowUnencrypted } : {}) }))
      expect(error.code, serverUrl).toBe('unreachable') // it got as far as the network
    }
    expect(contacted).toEqual(['http://10.0.0.5:8787', 'https://handoff.example.com', 'http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787'])
  })

  it('tells which addresses need consent', () => {
    expect(['http://10.0.0.5', 'http://handoff.example.com:80', ' http://192.168.1.2:8787 '].every(isUnencryptedRemote)).toBe(true)
    expect(['https://10.0.0.5', 'http://127.0.0.1:8787', 'http://localhost', 'http://[::1]:1', 'not a url'].some(isUnencryptedRemote)).toBe(false)
    expect(argSchemas['sync.signIn'].safeParse({ serverUrl: 'http://10.0.0.5', credential: CREDENTIAL, allowUnencrypted: 'yes' }).success).toBe(false)
  })
})
