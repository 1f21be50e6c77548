/**
 * The core's thread. Database work (better-sqlite3 is synchronous) happens here so it never
 * blocks the Electron main process. Runs the same under Electron and plain Node (harness).
 *
 * workerData: CoreWorkerOptions. Messages in: { id, name, args } or { close: true };
 * messages out: { id, envelope }. The core validates names and arguments itself.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Envelope } from '../shared/contract/errors'
import { createCoreOrRefusal } from './core/core'
import type { CoreWorkerOptions, FromWorker, ToWorker } from './core-protocol'

/** What the worker uses of the core. */
type Core = Pick<ReturnType<typeof createCoreOrRefusal>, 'dispatch' | 'close'>

const port = parentPort
if (!port) throw new Error('core-worker must run as a worker thread')

const options = workerData as CoreWorkerOptions

/** A core that could not even start (e.g. the native module did not load) answers every call with why. */
function brokenCore(error: unknown): Core {
  const message = error instanceof Error ? error.message : String(error)
  const envelope: Envelope<unknown> = { ok: false, error: { code: 'internal', message: `The core could not start: ${message}` } }
  return { dispatch: () => envelope, close: () => {} }
}

let core: Core
try {
  core = createCoreOrRefusal({
    file: options.file,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.seedDemoIfEmpty ? { seedDemoIfEmpty: true } : {})
  })
} catch (error) {
  console.error('Handoff core failed to start:', error)
  core = brokenCore(error)
}

port.on('message', (message: ToWorker) => {
  if ('close' in message) {
    try {
      core.close()
    } catch (error) {
      console.error('Handoff core failed to close cleanly:', error)
    }
    port.close()
    return
  }
  let envelope: Envelope<unknown>
  try {
    envelope = core.dispatch(message.name, message.args)
  } catch (error) {
    // dispatch promises never to throw; if it does, the caller still gets an Envelope.
    envelope = { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : 'The core failed.' } }
  }
  const answer: FromWorker = { id: message.id, envelope }
  port.postMessage(answer)
})
