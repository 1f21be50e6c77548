import { z } from 'zod'
import {
  ASYNC_OPERATIONS,
  HandoffError,
  MAX_ARGUMENT_BYTES,
  argSchemas,
  isOperationName,
  type AsyncOperationName,
  type Envelope,
  type Handlers,
  type HandoffErrorData,
  type Issue,
  type OperationName
} from '../shared/contract'
import { openDatabase, type Db } from './infra/database'
import { DatabaseRefusedError } from './infra/errors'
import { createCoreEvents, type CoreEventListener } from './infra/events'
import { createHandlers } from './handlers'
import { seedDemoWorkspace } from './demo/handlers'
import { personalFiguresArchive } from './figures/personal'
import { sessionInfo } from './people/session'
import { createSyncController, type SyncController, type TransportFactory } from './sync/controller'
import { memoryVault, type CredentialVault } from './sync/credentials'
import type { Timers } from './sync/engine'

export interface CoreOptions {
  /** The workspace database file (created if missing). */
  file: string
  /** better-sqlite3's addon for the running runtime (Electron has its own build). */
  nativeBinding?: string
  /** Fill a brand-new workspace with the demo and sign in as its first service agent. */
  seedDemoIfEmpty?: boolean
  /** The clock; tests pin it. */
  now?: () => Date
  /**
   * Where the sync credential is kept (sync/credentials.ts). The Electron app passes one that
   * encrypts with the OS keychain; without one the credential lives in memory only.
   */
  vault?: CredentialVault
  /** The fetch of the HTTP sync transport (tests point it at an in-process server). */
  fetch?: typeof fetch
  /** Replaces the HTTP sync transport altogether (tests). */
  transportFactory?: TransportFactory
  /** The sync engine's timers, jitter and poll interval (tests). */
  sync?: { timers?: Timers; random?: () => number; pollMs?: number }
}

/** Every operation whose handler answers at once (all but the ASYNC_OPERATIONS). */
export type ImmediateOperationName = Exclude<OperationName, AsyncOperationName>

/** Answers synchronously, except the ASYNC_OPERATIONS (they wait on the network). */
export interface Dispatch {
  (name: AsyncOperationName, args: unknown): Promise<Envelope<unknown>>
  (name: ImmediateOperationName, args: unknown): Envelope<unknown>
  (name: unknown, args: unknown): Envelope<unknown> | Promise<Envelope<unknown>>
}

/**
 * The local data core. `dispatch` is the one door every call comes through (IPC, the harness
 * socket, the worker thread): it checks the operation name, the argument size and the argument
 * schema, runs the handler, and always answers an Envelope (a Promise of one for the
 * ASYNC_OPERATIONS, which wait on the network), never throws. `handlers` are the same
 * operations for in-process callers that have validated their arguments.
 */
export interface Core {
  handlers: Handlers
  dispatch: Dispatch
  /** The sync side (binding, engine); absent on a refused database. */
  sync?: SyncController
  /**
   * Listens to the contract's events (outbox.changed, sync.changed, items.changed), each sent
   * after the change it tells of has committed; returns the function that stops listening.
   * A refused database has nothing to tell.
   */
  onEvent(listener: CoreEventListener): () => void
  close(): void
}

export { DatabaseRefusedError }

const fail = (error: HandoffErrorData): Envelope<never> => ({ ok: false, error })

/** Opens the workspace and returns its core. Throws DatabaseRefusedError for a file it must not touch. */
export function createCore(options: CoreOptions): Core {
  const clock = options.now ?? (() => new Date())
  const db = openDatabase(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    if (options.seedDemoIfEmpty && sessionInfo(db).workspace.empty) seedDemoWorkspace(db, clock())
  } catch (e) {
    db.close()
    throw e
  }
  const events = createCoreEvents()
  const sync = createSyncController(db, {
    events,
    keeper: personalFiguresArchive,
    vault: options.vault ?? memoryVault(),
    now: clock,
    ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sync?.timers ? { timers: options.sync.timers } : {}),
    ...(options.sync?.random ? { random: options.sync.random } : {}),
    ...(options.sync?.pollMs ? { pollMs: options.sync.pollMs } : {})
  })
  const handlers = createHandlers(db, clock, sync)
  void sync.resume()
  return {
    handlers,
    dispatch: ((name: unknown, args: unknown) => dispatch(handlers, name, args)) as Dispatch,
    sync,
    onEvent: (listener) => events.on(listener),
    close: () => {
      sync.close()
      closeDatabase(db)
    }
  }
}

/**
 * Like createCore, but a refused database gives a core that answers every call with
 * { code: 'database_refused', message } (the UI shows the message; the file stays untouched).
 */
export function createCoreOrRefusal(options: CoreOptions): Core {
  try {
    return createCore(options)
  } catch (e) {
    if (e instanceof DatabaseRefusedError) return refusedCore(e)
    throw e
  }
}

function refusedCore(refusal: DatabaseRefusedError): Core {
  const error: HandoffErrorData = { code: 'database_refused', message: refusal.message }
  const refuse = () => {
    throw new HandoffError(error)
  }
  const handlers = Object.fromEntries(Object.keys(argSchemas).map((name) => [name, refuse])) as unknown as Handlers
  return {
    handlers,
    dispatch: ((name: unknown) => (isAsync(name) ? Promise.resolve(fail(error)) : fail(error))) as Dispatch,
    onEvent: () => () => undefined,
    close: () => undefined
  }
}

function closeDatabase(db: Db): void {
  if (!db.open) return
  try {
    db.pragma('optimize') // refresh planner statistics that drifted, as SQLite recommends on close
  } finally {
    db.close()
  }
}

const isAsync = (name: unknown): name is AsyncOperationName => (ASYNC_OPERATIONS as readonly unknown[]).includes(name)

function toFailure(name: string, e: unknown): Envelope<never> {
  if (e instanceof HandoffError) return fail(e.toData())
  console.error(`[handoff core] ${name} failed:`, e)
  return fail({ code: 'internal', message: 'Something went wrong inside Handoff; the details were logged. Your data is unchanged.' })
}

function dispatch(handlers: Handlers, name: unknown, rawArgs: unknown): Envelope<unknown> | Promise<Envelope<unknown>> {
  const answer = check(name, rawArgs)
  if (!answer.ok) return isAsync(name) ? Promise.resolve(answer.envelope) : answer.envelope
  const op = answer.name
  try {
    const handler = handlers[op] as (a: unknown) => unknown
    const value = handler(answer.args)
    if (isAsync(op)) {
      return Promise.resolve(value).then(
        (v): Envelope<unknown> => ({ ok: true, value: v }),
        (e: unknown) => toFailure(op, e)
      )
    }
    return { ok: true, value }
  } catch (e) {
    const failure = toFailure(op, e)
    return isAsync(op) ? Promise.resolve(failure) : failure
  }
}

/** The door's checks: a known name, a bounded size, arguments its schema accepts. */
function check(name: unknown, rawArgs: unknown): { ok: true; name: OperationName; args: unknown } | { ok: false; envelope: Envelope<never> } {
  const refused = (error: HandoffErrorData) => ({ ok: false as const, envelope: fail(error) })
  if (!isOperationName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : `a ${typeof name}`
    return refused({ code: 'unknown_operation', message: `There is no operation ${shown}.` })
  }
  const args = rawArgs === undefined ? {} : rawArgs
  let size: number
  try {
    const json = JSON.stringify(args)
    if (json === undefined) return refused({ code: 'invalid_argument', message: 'The arguments must be an object.' })
    size = Buffer.byteLength(json, 'utf8')
  } catch {
    return refused({ code: 'invalid_argument', message: 'The arguments could not be read as JSON.' })
  }
  if (size > MAX_ARGUMENT_BYTES) {
    return refused({ code: 'too_large', message: `The request is too large (${size} bytes; at most ${MAX_ARGUMENT_BYTES} bytes are accepted).` })
  }
  const parsed = argSchemas[name].safeParse(args)
  if (!parsed.success) {
    const issues = toIssues(parsed.error)
    return refused({ code: 'invalid_argument', message: issues.map((i) => i.message).join(' '), issues })
  }
  return { ok: true, name, args: parsed.data }
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}
