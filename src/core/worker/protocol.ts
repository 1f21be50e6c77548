/** Messages between the core host (main process or harness) and the core worker thread. */
import type { Envelope } from '../../shared/contract/errors'
import type { HandoffEvent } from '../../shared/contract/events'

/** Passed as the worker's workerData. */
export interface CoreWorkerOptions {
  /** The SQLite file. */
  file: string
  /** Path of a better_sqlite3.node built for the running runtime (Electron); Node's own build otherwise. */
  nativeBinding?: string
  /** Seed the demo workspace when the database is empty. */
  seedDemoIfEmpty?: boolean
}

/** Host -> worker: a call, the request to close the database and end, or the answer to a vault request. */
export type ToWorker = { id: number; name: unknown; args: unknown } | { close: true } | VaultReply

/**
 * Worker -> host: the answer to call `id`, a request to the credential vault (which lives in the
 * host), or one of the core's events (sent after the change it tells of has committed).
 */
export type FromWorker = { id: number; envelope: Envelope<unknown> } | VaultRequest | EventMessage
export type EventMessage = { event: HandoffEvent }

/**
 * The credential vault lives in the host process: in the Electron app it needs safeStorage, a
 * main-process API. The core's vault (core-worker.ts) forwards each call as a request.
 */
export type VaultRequest = { vault: number; op: 'load' } | { vault: number; op: 'save'; credential: string } | { vault: number; op: 'clear' }
export type VaultReply = { vaultReply: number; ok: true; value: string | null } | { vaultReply: number; ok: false; message: string }
