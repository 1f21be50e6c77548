/**
 * What every door of the contract agrees on: the renderer calls operation `<name>` on the IPC
 * channel `handoff:<name>` (preload and main process) or at `POST /rpc/<name>` (the browser
 * harness), with at most MAX_ARGUMENT_BYTES of arguments. Free of imports: the sandboxed preload
 * bundles it.
 */
import type { OperationName } from './operations'

export const CHANNEL_PREFIX = 'handoff:'
export const channelFor = (name: OperationName): string => `${CHANNEL_PREFIX}${name}`

export const RPC_PATH_PREFIX = '/rpc/'
export const rpcPath = (name: OperationName): string => `${RPC_PATH_PREFIX}${encodeURIComponent(name)}`

/** Largest serialized argument accepted over any door (IPC or the harness socket). */
export const MAX_ARGUMENT_BYTES = 256 * 1024
