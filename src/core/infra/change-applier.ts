import type { Database } from 'better-sqlite3'
import type { Item } from '../../shared/domain/entities'
import type { Change } from '../../shared/mutations/types'
import { plucked } from './statements'

/** What the appliers of one decision's changes share while they write them (src/core/changes.ts). */
export interface ApplyContext {
  readonly db: Database
  /**
   * A pull re-running a pending mutation on top of the server's state (sync/apply-pull.ts): the
   * rows it creates are already there, from its first run or from the server; they are kept.
   */
  readonly replay: boolean
  /**
   * What each item holds as the changes go, from the snapshot the decision was made from, so an
   * update writes only the fields it changes; null: updates are written whole.
   */
  readonly current: Map<string, Item> | null
  /** Items (rids) whose full-text document is rewritten once every change is written. */
  readonly touched: Set<number>
}

/** Writes one kind of change to SQLite. Each capability folder exports those of its own rows. */
export type ChangeApplier<Op extends Change['op']> = (ctx: ApplyContext, change: Extract<Change, { op: Op }>) => void

/** The appliers of a set of change ops, one each. */
export type ChangeAppliers<Ops extends Change['op']> = { readonly [Op in Ops]: ChangeApplier<Op> }

/** On a replay, whether the row a change creates is there already (then it is kept as it is). */
export function keptOnReplay(ctx: ApplyContext, table: 'customers' | 'items' | 'messages' | 'item_events' | 'ratings', id: string): boolean {
  return ctx.replay && plucked<[string], number>(ctx.db, `SELECT EXISTS (SELECT 1 FROM ${table} WHERE id = ?)`).get(id) === 1
}
