/**
 * The renderer's door into the main process: one `ipcMain.handle('handoff:<name>')` per
 * operation of the contract (no generic channel). Every handler checks who is calling, refuses
 * oversized arguments, forwards to the core and answers with an Envelope — never a thrown error,
 * which Electron would turn into an opaque string on the other side.
 *
 * Pure of Electron: index.ts passes `ipcMain` as the registrar, tests pass a recording fake.
 */
import type { Envelope, HandoffErrorData } from '../shared/contract/errors'
import { isEnvelope } from '../shared/contract/errors'
import { MAX_ARGUMENT_BYTES, channelFor } from '../shared/contract/doors'
import { OPERATION_NAMES } from '../shared/contract/names'
import type { OperationName } from '../shared/contract/operations'
import type { FrameLike } from './security'

/** What a handler reads from Electron's IpcMainInvokeEvent. */
export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null | undefined
}

export type IpcHandler = (event: InvokeEventLike, ...args: unknown[]) => Promise<Envelope<unknown>>

/** The one method of `ipcMain` used here. */
export interface HandleRegistrar {
  handle(channel: string, listener: IpcHandler): void
}

export interface IpcOptions {
  /** Forwards to the core (the worker host); may reject, which becomes an 'internal' Envelope. */
  call: (name: OperationName, args: unknown) => Promise<Envelope<unknown>>
  /** The sender check (security.isTrustedSender bound to the main window). */
  isTrustedSender: (frame: FrameLike | null | undefined) => boolean
  /** Told about refused senders and unexpected failures; silent by default. */
  log?: (message: string, detail?: unknown) => void
}

const fail = (error: HandoffErrorData): Envelope<never> => ({ ok: false, error })

/**
 * Size of the arguments as JSON, in UTF-8 bytes; null when they cannot be serialized (a BigInt,
 * a cycle): structured clone carries things JSON cannot, and the core only takes JSON-shaped data.
 */
export function jsonSize(args: unknown): number | null {
  try {
    const json = JSON.stringify(args)
    return json === undefined ? 0 : Buffer.byteLength(json, 'utf8')
  } catch {
    return null
  }
}

/** Checks the size of a call's arguments at the door; null when they may pass. */
export function checkArgumentSize(args: unknown): Envelope<never> | null {
  const size = jsonSize(args)
  if (size === null) return fail({ code: 'invalid_argument', message: 'Arguments must be plain JSON data.' })
  if (size > MAX_ARGUMENT_BYTES) {
    return fail({ code: 'too_large', message: `Arguments are ${size} bytes; the limit is ${MAX_ARGUMENT_BYTES}.` })
  }
  return null
}

/** Builds the handler of one operation. */
export function buildHandler(name: OperationName, options: IpcOptions): IpcHandler {
  const log = options.log ?? (() => {})
  return async (event, ...rest) => {
    if (!options.isTrustedSender(event.senderFrame)) {
      log(`Refused IPC '${channelFor(name)}' from an untrusted sender`, event.senderFrame?.url)
      return fail({ code: 'internal', message: 'Refused: the call did not come from the Handoff window.' })
    }
    if (rest.length > 1) return fail({ code: 'invalid_argument', message: 'An operation takes exactly one argument object.' })
    const args = rest[0]
    const refused = checkArgumentSize(args)
    if (refused) return refused
    try {
      const envelope = await options.call(name, args)
      if (isEnvelope(envelope)) return envelope
      log(`The core answered '${name}' without an Envelope`, envelope)
      return fail({ code: 'internal', message: 'The core gave a malformed answer.' })
    } catch (error) {
      log(`The core failed on '${name}'`, error)
      return fail({ code: 'internal', message: error instanceof Error ? error.message : 'The core failed.' })
    }
  }
}

/** Registers one handler per operation; returns the channels, in contract order. */
export function registerHandoffIpc(registrar: HandleRegistrar, options: IpcOptions): string[] {
  return OPERATION_NAMES.map((name) => {
    const channel = channelFor(name)
    registrar.handle(channel, buildHandler(name, options))
    return channel
  })
}
