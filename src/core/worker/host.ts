/**
 * Starts the core in a worker thread and carries calls to it. Every call resolves with an
 * Envelope: if the worker dies, pending and later calls get an 'internal' one. No restart.
 */
import { Worker } from 'node:worker_threads'
import type { Envelope } from '../../shared/contract/errors'
import type { HandoffEvent } from '../../shared/contract/events'
import type { CredentialVault } from '../sync/credentials'
import type { CoreWorkerOptions, FromWorker, ToWorker, VaultRequest } from './protocol'

export type { CoreWorkerOptions } from './protocol'

export type CoreHostEventListener = (event: HandoffEvent) => void

export interface CoreHost {
  call(name: string, args: unknown): Promise<Envelope<unknown>>
  /** Listens to the core's events; returns the function that stops listening. None come once close() was called or the worker is gone. */
  onEvent(listener: CoreHostEventListener): () => void
  /** Closes the database and ends the worker (terminated if it does not end within a few seconds). */
  close(): Promise<void>
}

export interface StartOptions {
  /** Extra Node flags for the worker thread. */
  execArgv?: string[]
  /** How long close() waits for a clean end before terminating the thread. */
  closeTimeoutMs?: number
  /**
   * Where the core keeps the sync credential: it lives here, in the host, because the Electron
   * app's vault needs safeStorage (a main-process API). Without one, nothing is saved: load
   * answers null and save refuses.
   */
  vault?: CredentialVault
}

const noVault: CredentialVault = {
  load: () => Promise.resolve(null),
  save: () => Promise.reject(new Error('This Handoff has nowhere safe to keep a credential.')),
  clear: () => Promise.resolve()
}

const internal = (message: string): Envelope<never> => ({ ok: false, error: { code: 'internal', message } })

export function startCoreWorker(workerFile: string | URL, options: CoreWorkerOptions, start: StartOptions = {}): CoreHost {
  const worker = new Worker(workerFile, { workerData: options, ...(start.execArgv ? { execArgv: start.execArgv } : {}) })
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>()
  const eventListeners = new Set<CoreHostEventListener>()
  let nextId = 1
  /** Why the worker can no longer answer, once it cannot. */
  let gone: string | null = null
  let exited = false
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()))

  const settleAll = (reason: string) => {
    if (gone === null) gone = reason
    for (const resolve of pending.values()) resolve(internal(reason))
    pending.clear()
  }

  const vault = start.vault ?? noVault
  const answerVault = (request: VaultRequest) => {
    const reply = (r: ToWorker) => {
      if (!exited) worker.postMessage(r)
    }
    const run = request.op === 'load' ? vault.load() : request.op === 'save' ? vault.save(request.credential).then(() => null) : vault.clear().then(() => null)
    run.then(
      (value) => reply({ vaultReply: request.vault, ok: true, value }),
      (error: unknown) => reply({ vaultReply: request.vault, ok: false, message: error instanceof Error ? error.message : String(error) })
    )
  }

  const forward = (event: HandoffEvent) => {
    for (const listener of [...eventListeners]) {
      try {
        listener(event)
      } catch (error) {
        // One listener's failure must not cost the others their event, nor the host its calls.
        console.error(`[handoff core host] a listener of ${event.name} failed:`, error)
      }
    }
  }

  worker.on('message', (message: FromWorker) => {
    if ('event' in message) {
      if (gone === null) forward(message.event)
      return
    }
    if ('vault' in message) {
      answerVault(message)
      return
    }
    const resolve = pending.get(message.id)
    if (!resolve) return
    pending.delete(message.id)
    resolve(message.envelope)
  })
  worker.on('error', (error) => settleAll(`The core stopped: ${error.message}`))
  worker.on('messageerror', () => settleAll('The core sent a message that could not be read.'))
  worker.on('exit', (code) => {
    exited = true
    settleAll(code === 0 ? 'The core has been closed.' : `The core stopped (exit code ${code}).`)
  })

  return {
    call(name, args) {
      if (gone !== null) return Promise.resolve(internal(gone))
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        try {
          const message: ToWorker = { id, name, args }
          worker.postMessage(message)
        } catch (error) {
          // Not structured-cloneable (a function, a symbol): refused before it reaches the core.
          pending.delete(id)
          resolve({ ok: false, error: { code: 'invalid_argument', message: error instanceof Error ? error.message : 'Arguments cannot be sent.' } })
        }
      })
    },
    onEvent(listener) {
      // A wrapper per subscription: the same function added twice is two subscriptions.
      const entry: CoreHostEventListener = (event) => listener(event)
      eventListeners.add(entry)
      return () => {
        eventListeners.delete(entry)
      }
    },
    async close() {
      if (gone === null) gone = 'The core has been closed.'
      if (exited) return
      worker.postMessage({ close: true } satisfies ToWorker)
      const timeout = start.closeTimeoutMs ?? 5000
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeout)
      })
      const outcome = await Promise.race([exit.then(() => 'exited' as const), timedOut])
      clearTimeout(timer)
      if (outcome === 'timeout') await worker.terminate()
      settleAll(gone)
    }
  }
}
