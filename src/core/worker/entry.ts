/**
 * The core's thread. Database work (better-sqlite3 is synchronous) happens here so it never
 * blocks the Electron main process. Runs the same under Electron and plain Node (harness).
 *
 * workerData: CoreWorkerOptions. Messages in: { id, name, args }, { close: true } or a vault
 * reply; messages out: { id, envelope }, a vault request or { event } (protocol.ts). The core
 * validates names and arguments itself. The sync engine runs here too, between calls.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Envelope } from '../../shared/contract/errors'
import { ASYNC_OPERATIONS } from '../../shared/contract/names'
import { createCoreOrRefusal } from '../core'
import type { CredentialVault } from '../sync/credentials'
import type { CoreWorkerOptions, FromWorker, ToWorker, VaultReply, VaultRequest } from './protocol'

/** What the worker uses of the core. */
type Core = Pick<ReturnType<typeof createCoreOrRefusal>, 'dispatch' | 'onEvent' | 'close'>

const port = parentPort
if (!port) throw new Error('core-worker must run as a worker thread')

const options = workerData as CoreWorkerOptions
const isAsyncOperation = (name: unknown) => (ASYNC_OPERATIONS as readonly unknown[]).includes(name)

/** The host's vault, one request/reply pair per call. */
const vaultCalls = new Map<number, (reply: VaultReply) => void>()
let nextVaultCall = 1
function askVault(request: Omit<VaultRequest, 'vault'>): Promise<string | null> {
  const id = nextVaultCall++
  return new Promise((resolve, reject) => {
    vaultCalls.set(id, (reply) => (reply.ok ? resolve(reply.value) : reject(new Error(reply.message))))
    port!.postMessage({ ...request, vault: id } as VaultRequest satisfies FromWorker)
  })
}
const hostVault: CredentialVault = {
  load: () => askVault({ op: 'load' }),
  save: async (credential) => {
    await askVault({ op: 'save', credential } as Omit<VaultRequest, 'vault'>)
  },
  clear: async () => {
    await askVault({ op: 'clear' })
  }
}

/** A core that could not even start (e.g. the native module did not load) answers every call with why. */
function brokenCore(error: unknown): Core {
  const message = error instanceof Error ? error.message : String(error)
  const envelope: Envelope<unknown> = { ok: false, error: { code: 'internal', message: `The core could not start: ${message}` } }
  return {
    dispatch: ((name: unknown) => (isAsyncOperation(name) ? Promise.resolve(envelope) : envelope)) as Core['dispatch'],
    onEvent: () => () => undefined,
    close: () => {}
  }
}

let core: Core
try {
  core = createCoreOrRefusal({
    file: options.file,
    vault: hostVault,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.seedDemoIfEmpty ? { seedDemoIfEmpty: true } : {})
  })
} catch (error) {
  console.error('Handoff core failed to start:', error)
  core = brokenCore(error)
}

// Every event goes to the host, which hands it on (to the window, or the harness's stream).
core.onEvent((event) => port.postMessage({ event } satisfies FromWorker))

const failed = (error: unknown): Envelope<unknown> => ({ ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : 'The core failed.' } })

port.on('message', (message: ToWorker) => {
  if ('vaultReply' in message) {
    const settle = vaultCalls.get(message.vaultReply)
    vaultCalls.delete(message.vaultReply)
    settle?.(message)
    return
  }
  if ('close' in message) {
    try {
      core.close()
    } catch (error) {
      console.error('Handoff core failed to close cleanly:', error)
    }
    port.close()
    return
  }
  const answer = (envelope: Envelope<unknown>) => port.postMessage({ id: message.id, envelope } satisfies FromWorker)
  let envelope: Envelope<unknown> | Promise<Envelope<unknown>>
  try {
    envelope = core.dispatch(message.name, message.args)
  } catch (error) {
    // dispatch promises never to throw; if it does, the caller still gets an Envelope.
    envelope = failed(error)
  }
  if (envelope instanceof Promise) envelope.then(answer, (error: unknown) => answer(failed(error)))
  else answer(envelope)
})
