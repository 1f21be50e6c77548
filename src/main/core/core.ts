import { z } from 'zod'
import { HandoffError, MAX_ARGUMENT_BYTES, argSchemas, isOperationName, type Envelope, type Handlers, type HandoffErrorData, type Issue } from '../../shared/contract'
import { openDatabase, type Db } from './database'
import { DatabaseRefusedError } from './errors'
import { createHandlers, seedDemoWorkspace } from './handlers'
import { sessionInfo } from './session'

export interface CoreOptions {
  /** The workspace database file (created if missing). */
  file: string
  /** better-sqlite3's addon for the running runtime (Electron has its own build). */
  nativeBinding?: string
  /** Fill a brand-new workspace with the demo and sign in as its first service agent. */
  seedDemoIfEmpty?: boolean
  /** The clock; tests pin it. */
  now?: () => Date
}

/**
 * The local data core. `dispatch` is the one door every call comes through (IPC, the harness
 * socket, the worker thread): it checks the operation name, the argument size and the argument
 * schema, runs the handler, and always answers an Envelope, never throws. `handlers` are the same
 * operations for in-process callers that have validated their arguments.
 */
export interface Core {
  handlers: Handlers
  dispatch(name: unknown, args: unknown): Envelope<unknown>
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
  const handlers = createHandlers(db, clock)
  return { handlers, dispatch: (name, args) => dispatch(handlers, name, args), close: () => closeDatabase(db) }
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
  return { handlers, dispatch: () => fail(error), close: () => undefined }
}

function closeDatabase(db: Db): void {
  if (!db.open) return
  try {
    db.pragma('optimize') // refresh planner statistics that drifted, as SQLite recommends on close
  } finally {
    db.close()
  }
}

function dispatch(handlers: Handlers, name: unknown, rawArgs: unknown): Envelope<unknown> {
  if (!isOperationName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : `a ${typeof name}`
    return fail({ code: 'unknown_operation', message: `There is no operation ${shown}.` })
  }
  const args = rawArgs === undefined ? {} : rawArgs
  let size: number
  try {
    const json = JSON.stringify(args)
    if (json === undefined) return fail({ code: 'invalid_argument', message: 'The arguments must be an object.' })
    size = Buffer.byteLength(json, 'utf8')
  } catch {
    return fail({ code: 'invalid_argument', message: 'The arguments could not be read as JSON.' })
  }
  if (size > MAX_ARGUMENT_BYTES) {
    return fail({ code: 'too_large', message: `The request is too large (${size} bytes; at most ${MAX_ARGUMENT_BYTES} bytes are accepted).` })
  }
  const parsed = argSchemas[name].safeParse(args)
  if (!parsed.success) {
    const issues = toIssues(parsed.error)
    return fail({ code: 'invalid_argument', message: issues.map((i) => i.message).join(' '), issues })
  }
  try {
    const handler = handlers[name] as (a: unknown) => unknown
    return { ok: true, value: handler(parsed.data) }
  } catch (e) {
    if (e instanceof HandoffError) return fail(e.toData())
    console.error(`[handoff core] ${name} failed:`, e)
    return fail({ code: 'internal', message: 'Something went wrong inside Handoff; the details were logged. Your data is unchanged.' })
  }
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}
