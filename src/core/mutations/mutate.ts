import type { Database, Transaction } from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { HandoffError, type ParsedArgs, type Results } from '../../shared/contract'
import { planMutation, runMutation, type MutationContext, type MutationName } from '../../shared/mutations'
import { applyChanges } from './changes'
import { loadSnapshot } from './snapshot'
import { prepared } from '../infra/statements'
import { recordInOutbox } from '../infra/outbox'

export interface ApplyOptions {
  actorId: string
  /** The clock; defaults to the current time. */
  now?: Date
  /**
   * The workspace syncs: keep the pre-mutation (server) version of each item the mutation read,
   * unless one is kept already, to undo it if the server rejects it (sync/apply-pull.ts, sync_shadow).
   */
  shadowItems?: boolean
}

export type MutationOutcome<K extends MutationName> = Results[K]

/**
 * Runs a named mutation against the local store: a fresh UUIDv7 mutation id, the rows its needs()
 * names, its pure decide(), and on success its changes AND its outbox row in one transaction, so
 * either both are on disk or neither is. A rejection writes nothing and throws HandoffError
 * { code: 'rejected', rejection }. `args` must already be validated by the mutation's schema.
 */
export function applyMutation<K extends MutationName>(db: Database, name: K, args: ParsedArgs<K>, options: ApplyOptions): MutationOutcome<K> {
  const ctx: MutationContext = { mutationId: uuidv7(), actorId: options.actorId, now: (options.now ?? new Date()).toISOString() }
  const result = runInTransaction(db, () => {
    const { snapshot, decision } = runMutation(planMutation(name, args, ctx), ctx, (needs) => loadSnapshot(db, needs))
    if (!decision.ok) {
      throw new HandoffError({ code: 'rejected', rejection: decision.rejection.code, message: decision.rejection.message })
    }
    recordInOutbox(db, name, args, ctx)
    if (options.shadowItems) {
      for (const item of snapshot.items.values()) {
        prepared(db, 'INSERT INTO sync_shadow (item_id, item) VALUES (?, ?) ON CONFLICT DO NOTHING').run(item.id, JSON.stringify(item))
      }
    }
    applyChanges(db, decision.changes, snapshot)
    return decision.result
  })
  // The contract spells the same type (decide()'s result and the id); for a generic K TypeScript cannot see that.
  return { ...result, mutationId: ctx.mutationId } as MutationOutcome<K>
}

/** One IMMEDIATE transaction (the write lock is taken up front, so reading the snapshot and writing cannot interleave with another writer). */
const runners = new WeakMap<Database, Transaction<(fn: () => unknown) => unknown>>()
function runInTransaction<T>(db: Database, fn: () => T): T {
  let run = runners.get(db)
  if (!run) {
    run = db.transaction((f: () => unknown) => f())
    runners.set(db, run)
  }
  return run.immediate(fn) as T
}
