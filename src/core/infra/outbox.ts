import type { Database } from 'better-sqlite3'
import type { MutationContext } from '../../shared/mutations'
import { plucked, prepared } from './statements'

/**
 * The outbox: every local change's named mutation, waiting for the server. A row is written in
 * the same transaction as the change it records (mutate.ts) and leaves only on a pull's word
 * (sync/apply-pull.ts).
 */
export function outboxPending(db: Database): number {
  return plucked<[], number>(db, 'SELECT count(*) FROM outbox').get() ?? 0
}

/** Records a decided mutation; call inside the transaction that writes its changes. */
export function recordInOutbox(db: Database, name: string, args: unknown, ctx: MutationContext): void {
  prepared(db, 'INSERT INTO outbox (mutation_id, name, args, actor_id, created_at) VALUES (?, ?, ?, ?, ?)').run(ctx.mutationId, name, JSON.stringify(args), ctx.actorId, ctx.now)
}
