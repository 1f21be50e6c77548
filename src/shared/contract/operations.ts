import type { z } from 'zod'
import { attachmentOperations } from './attachments'
import { channelOperations } from './channels'
import { mergeDisjoint } from './disjoint'
import { draftOperations } from './drafts'
import { figureOperations } from './figures'
import { itemOperations } from './items'
import { mutationOperations } from './mutation-operations'
import type { ResultType } from './operation'
import { peopleOperations } from './people'
import { settingsOperations } from './settings'
import { syncOperations } from './sync'
import { uiOperations } from './ui'
import { viewOperations } from './views'
import { workspaceOperations } from './workspace'

/**
 * Every operation of the contract, by name: the groups defined by hand (one file per capability)
 * and every mutation. A name defined twice fails the type check. Everything below, and the
 * names (names.ts), the preload's methods, the IPC channels and the harness routes, derive from it.
 */
export const operations = mergeDisjoint(
  workspaceOperations,
  peopleOperations,
  itemOperations,
  viewOperations,
  settingsOperations,
  figureOperations,
  syncOperations,
  uiOperations,
  attachmentOperations,
  channelOperations,
  draftOperations,
  mutationOperations
)

export type Operations = typeof operations
export type OperationName = keyof Operations & string

export const isOperationName = (name: unknown): name is OperationName => typeof name === 'string' && Object.hasOwn(operations, name)

/** Operations whose handler answers asynchronously (they wait on the network). */
export type AsyncOperationName = { [K in OperationName]: Operations[K]['async'] extends true ? K : never }[OperationName]

type ArgSchemas = { readonly [K in OperationName]: Operations[K]['args'] }

/** Argument schema of every operation: validated at the door of the process that runs it. */
export const argSchemas = Object.freeze(Object.fromEntries(Object.entries(operations).map(([name, op]) => [name, op.args]))) as ArgSchemas

/** What a caller passes (defaults may be left out). */
export type Args<K extends OperationName> = z.input<ArgSchemas[K]>
/** What the handler receives after validation. */
export type ParsedArgs<K extends OperationName> = z.output<ArgSchemas[K]>
export type Result<K extends OperationName> = Operations[K]['result'] extends ResultType<infer R> ? R : never
/** Result type of every operation. */
export type Results = { [K in OperationName]: Result<K> }

/** The renderer's view of the contract: one async method per operation. */
export type HandoffApi = { [K in OperationName]: (args: Args<K>) => Promise<Result<K>> }
/** The core's side: one handler per operation, over validated arguments. */
export type Handlers = { [K in OperationName]: (args: ParsedArgs<K>) => K extends AsyncOperationName ? Promise<Result<K>> : Result<K> }

/**
 * The core's handler map, checked to hold exactly one handler per operation: a missing one fails
 * the type check (as `Handlers`), and so does one for a name that is no operation.
 */
export const exactHandlers = <H extends Handlers>(handlers: H & Record<Exclude<keyof H, OperationName>, never>): Handlers => handlers
