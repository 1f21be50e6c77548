/** Messages between the core host (main process or harness) and the core worker thread. */
import type { Envelope } from '../shared/contract/errors'

/** Passed as the worker's workerData. */
export interface CoreWorkerOptions {
  /** The SQLite file. */
  file: string
  /** Path of a better_sqlite3.node built for the running runtime (Electron); Node's own build otherwise. */
  nativeBinding?: string
  /** Seed the demo workspace when the database is empty. */
  seedDemoIfEmpty?: boolean
}

/** Host -> worker: a call, or the request to close the database and end. */
export type ToWorker = { id: number; name: unknown; args: unknown } | { close: true }

/** Worker -> host: the answer to call `id`. */
export interface FromWorker {
  id: number
  envelope: Envelope<unknown>
}
