/**
 * The operation names, as plain data derived from the table (operations.ts).
 *
 * The sandboxed preload needs only these names, not the table's schemas (zod and the mutations'
 * rules, ~200 kB bundled): its build replaces this module by the values of its exports, evaluated
 * from this same file when the build starts (electron.vite.config.ts). Keep every export a plain
 * JSON value for that reason.
 */
import { operations, type AsyncOperationName, type OperationName } from './operations'

export const OPERATION_NAMES: readonly OperationName[] = Object.freeze(Object.keys(operations) as OperationName[])

/** Operations whose handler answers asynchronously (they wait on the network); every other handler is synchronous. */
export const ASYNC_OPERATIONS: readonly AsyncOperationName[] = Object.freeze(OPERATION_NAMES.filter((name): name is AsyncOperationName => operations[name].async))
