import { HandoffError, OPERATION_NAMES, isEnvelope, rpcPath, type Args, type Envelope, type HandoffApi, type OperationName, type Result } from '../../../shared/contract'
import { harnessToken } from './token'

/**
 * The renderer's single client for the contract. Every call goes through `call()`, which picks
 * the transport (Electron preload, or the browser harness over HTTP), unwraps the envelope and
 * turns a refusal into a thrown HandoffError the UI can show.
 */

type Transport = (name: OperationName, args: unknown) => Promise<Envelope<unknown>>

const electronTransport: Transport = (name, args) => {
  const bridge = window.handoff
  const method = bridge?.[name]
  if (!method) throw new HandoffError({ code: 'unknown_operation', message: `The desktop bridge does not offer ${name}.` })
  return method(args)
}

const httpTransport: Transport = async (name, args) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const token = harnessToken()
  if (token) headers['x-handoff-token'] = token
  let response: Response
  try {
    response = await fetch(rpcPath(name), { method: 'POST', headers, body: JSON.stringify(args ?? {}) })
  } catch (cause) {
    throw new HandoffError({
      code: 'internal',
      message: `Handoff could not reach its local core (${cause instanceof Error ? cause.message : String(cause)}). Is the harness still running?`
    })
  }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    throw new HandoffError({ code: 'internal', message: `The local core answered ${name} with something that is not JSON (HTTP ${response.status}).` })
  }
  if (!isEnvelope(body)) {
    throw new HandoffError({ code: 'internal', message: `The local core answered ${name} without an envelope (HTTP ${response.status}).` })
  }
  return body
}

const transport = (): Transport => (window.handoff ? electronTransport : httpTransport)

type ErrorObserver = (error: HandoffError, name: OperationName) => void
type SuccessObserver = (name: OperationName) => void
const errorObservers = new Set<ErrorObserver>()
const successObservers = new Set<SuccessObserver>()

/** Called for every failed call (e.g. to switch to the "database refused" screen). */
export function onCallError(fn: ErrorObserver): () => void {
  errorObservers.add(fn)
  return () => errorObservers.delete(fn)
}
/** Called for every successful call (e.g. to refresh the outbox count after a mutation). */
export function onCallSuccess(fn: SuccessObserver): () => void {
  successObservers.add(fn)
  return () => successObservers.delete(fn)
}

function toHandoffError(e: unknown): HandoffError {
  if (e instanceof HandoffError) return e
  const message = e instanceof Error ? e.message : String(e)
  return new HandoffError({ code: 'internal', message: message || 'Something went wrong inside Handoff.' })
}

export async function call<K extends OperationName>(name: K, args: Args<K>): Promise<Result<K>> {
  let envelope: Envelope<unknown>
  try {
    envelope = await transport()(name, args)
    if (!isEnvelope(envelope)) throw new HandoffError({ code: 'internal', message: `The core answered ${name} without an envelope.` })
  } catch (e) {
    const error = toHandoffError(e)
    errorObservers.forEach((fn) => fn(error, name))
    throw error
  }
  if (!envelope.ok) {
    const error = new HandoffError(envelope.error)
    errorObservers.forEach((fn) => fn(error, name))
    throw error
  }
  successObservers.forEach((fn) => fn(name))
  return envelope.value as Result<K>
}

export const api: HandoffApi = Object.fromEntries(OPERATION_NAMES.map((name) => [name, (args: unknown) => call(name, args as never)])) as HandoffApi

/** The message to show for anything thrown by a call. */
export function errorMessage(e: unknown): string {
  if (e instanceof HandoffError && e.issues && e.issues.length > 0) {
    // The issues say what exactly was wrong; add those the message does not already say.
    const extra = e.issues.map((i) => i.message).filter((m) => !e.message.includes(m))
    return [e.message, ...new Set(extra)].join(' ')
  }
  if (e instanceof Error) return e.message
  return String(e)
}

export { HandoffError }
