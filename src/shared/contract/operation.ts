import { z } from 'zod'

declare const resultType: unique symbol

/** An operation's result type, carried for the type checker only: at runtime it is an empty object. */
export interface ResultType<R> {
  readonly [resultType]?: R
}

/** Names the result type of an operation: `result<ItemDetail>()`. */
export const result = <R>(): ResultType<R> => ({})

/**
 * One operation of the contract. Its name is its key in the table (operations.ts); everything
 * else the processes need (the preload's method, the IPC channel, the harness route, the core's
 * door check, the handler's type) is derived from this.
 */
export interface Operation<S extends z.ZodType = z.ZodType, R = unknown, Async extends boolean = boolean> {
  /** The argument schema, checked at the door of the process that runs the operation. */
  readonly args: S
  readonly result: ResultType<R>
  /** Its handler answers with a Promise (it waits on the network); every other handler answers at once. */
  readonly async: Async
}

export function operation<S extends z.ZodType, R, Async extends boolean = false>(def: { args: S; result: ResultType<R>; async?: Async }): Operation<S, R, Async> {
  return { args: def.args, result: def.result, async: (def.async ?? false) as Async }
}

/** The arguments of an operation that takes none: an empty object, nothing else. */
export const noArgs = z.object({}).strict()
