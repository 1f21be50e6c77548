import type { z } from 'zod'
import { isMutationName, mutations, type MutationName, type Mutations } from './registry'
import type { Decision, MutationContext, Needs, Snapshot } from './types'

/**
 * The one way a mutation runs, wherever it runs: the console's dispatch (core/mutate.ts), the
 * pull's rebase of pending mutations (core/sync/apply-pull.ts) and the server's push
 * (server/store/push.ts). A run is three steps:
 *
 * 1. plan: the arguments, parsed by the mutation's schema when they come stored or pushed by
 *    name, and the rows the mutation needs (needs(), from the arguments and the actor alone);
 * 2. load: the store reads those rows into a Snapshot. That step is the store's own (SQLite reads
 *    synchronously; the server reads PostgreSQL asynchronously, or takes the rows from its
 *    read-ahead, and checks its sequence before deciding), so the runner takes the snapshot as
 *    loaded; runMutation() chains the three for a synchronous store;
 * 3. decide: the pure rules, giving the changes to write or a rejection.
 */

/** A mutation's arguments once its schema parsed them. */
export type MutationArgs<K extends MutationName> = z.output<Mutations[K]['args']>
/** What a mutation's decide() answers when it applies. */
export type MutationResultOf<K extends MutationName> = Extract<ReturnType<Mutations[K]['decide']>, { ok: true }>['result']

/** A mutation ready to decide once the rows it needs are loaded. */
export interface PlannedMutation<K extends MutationName = MutationName> {
  readonly name: K
  readonly args: MutationArgs<K>
  readonly needs: Needs
}

/** Why a mutation stored or pushed by name cannot run. */
export type UnplannableMutation = { ok: false; reason: 'unknown_mutation' } | { ok: false; reason: 'invalid_args'; issues: readonly ArgumentIssue[] }
/** One thing the schema found wrong with the arguments: its message is written for people. */
export interface ArgumentIssue {
  path: readonly PropertyKey[]
  message: string
}

/**
 * A definition with its argument type erased, which is how a runner holding any one of them
 * calls it. Sound because a PlannedMutation's args are always what its own definition's schema
 * gave (planMutation's signature, or planStoredMutation's parse). The only such cast.
 */
interface ErasedMutation {
  args: { safeParse(x: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly ArgumentIssue[] } } }
  needs(args: unknown, ctx: MutationContext): Needs
  decide(state: Snapshot, args: unknown, ctx: MutationContext): Decision<unknown>
}
const definition = (name: MutationName): ErasedMutation => mutations[name] as unknown as ErasedMutation

/** Plans a mutation whose arguments its schema has already parsed (at the door of the process). */
export function planMutation<K extends MutationName>(name: K, args: MutationArgs<K>, ctx: MutationContext): PlannedMutation<K> {
  return { name, args, needs: definition(name).needs(args, ctx) }
}

/** Plans a mutation stored or pushed by name (an outbox row, a push): its arguments are parsed here. */
export function planStoredMutation(name: string, args: unknown, ctx: MutationContext): { ok: true; planned: PlannedMutation } | UnplannableMutation {
  if (!isMutationName(name)) return { ok: false, reason: 'unknown_mutation' }
  const def = definition(name)
  const parsed = def.args.safeParse(args)
  if (!parsed.success) return { ok: false, reason: 'invalid_args', issues: parsed.error.issues }
  return { ok: true, planned: { name, args: parsed.data as MutationArgs<MutationName>, needs: def.needs(parsed.data, ctx) } }
}

/** The pure decision on `snapshot`, which must hold the rows `planned.needs` named. */
export function decideMutation<K extends MutationName>(planned: PlannedMutation<K>, snapshot: Snapshot, ctx: MutationContext): Decision<MutationResultOf<K>> {
  return definition(planned.name).decide(snapshot, planned.args, ctx) as Decision<MutationResultOf<K>>
}

/** Load, then decide, against a store that reads synchronously; returns the snapshot too (the changes are written against it). */
export function runMutation<K extends MutationName>(
  planned: PlannedMutation<K>,
  ctx: MutationContext,
  load: (needs: Needs) => Snapshot
): { snapshot: Snapshot; decision: Decision<MutationResultOf<K>> } {
  const snapshot = load(planned.needs)
  return { snapshot, decision: decideMutation(planned, snapshot, ctx) }
}
