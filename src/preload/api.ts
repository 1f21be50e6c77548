/**
 * What the preload exposes as `window.handoff`: exactly one method per operation of the
 * contract, each invoking its own channel. Nothing else (no ipcRenderer, no generic invoke).
 *
 * Pure: index.ts passes `ipcRenderer.invoke`; tests pass a recording function.
 * Imports only the names and the channel naming, not the schemas: the preload's build carries
 * the names as data (src/shared/contract/names.ts), so the sandboxed bundle stays tiny.
 */
import { channelFor } from '../shared/contract/doors'
import type { Envelope } from '../shared/contract/errors'
import { OPERATION_NAMES } from '../shared/contract/names'
import type { OperationName } from '../shared/contract/operations'

export type Invoke = (channel: string, args: unknown) => Promise<unknown>
export type PreloadMethod = (args: unknown) => Promise<Envelope<unknown>>
export type PreloadApi = Readonly<Record<OperationName, PreloadMethod>>

export function buildPreloadApi(invoke: Invoke): PreloadApi {
  // The main process always answers with an Envelope (src/main/ipc.ts).
  const method = (name: OperationName): PreloadMethod => (args) => invoke(channelFor(name), args) as Promise<Envelope<unknown>>
  return Object.freeze(Object.fromEntries(OPERATION_NAMES.map((name) => [name, method(name)])) as Record<OperationName, PreloadMethod>)
}
