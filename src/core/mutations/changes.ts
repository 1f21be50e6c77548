import type { Database } from 'better-sqlite3'
import type { Change, Snapshot } from '../../shared/mutations/types'
import type { ApplyContext, ChangeAppliers } from '../infra/change-applier'
import { itemAppliers } from '../items/changes'
import { customerAppliers } from '../people/changes'
import { markForIndexing } from '../search/search-index'
import { settingsAppliers } from '../settings/changes'
import { viewAppliers } from '../views/changes'

/**
 * Every change op's applier, from the capability that owns its rows. Typed over Change['op']:
 * a new op without an applier fails the type check here.
 */
const APPLIERS: ChangeAppliers<Change['op']> = { ...itemAppliers, ...customerAppliers, ...viewAppliers, ...settingsAppliers }

type ChangeOf = { [Op in Change['op']]: Extract<Change, { op: Op }> }

function applyOne<Op extends Change['op']>(ctx: ApplyContext, op: Op, change: ChangeOf[Op]): void {
  APPLIERS[op](ctx, change)
}

/**
 * Writes a decision's changes (`before`: the snapshot they were decided from, to skip item
 * fields they leave as they were). Keeps the denormalized columns (customer_name, assignee_name,
 * assignee_key) in step and marks the full-text documents to rewrite (search-index.ts). Call
 * inside a transaction: it is several statements. `replay`: see ApplyContext.
 */
export function applyChanges(db: Database, changes: readonly Change[], before?: Snapshot, options: { replay?: boolean } = {}): void {
  const ctx: ApplyContext = {
    db,
    replay: options.replay === true,
    // Only for decisions that write item columns through updateItem alone (settings move
    // deadlines behind its back).
    current: before && !changes.some((c) => c.op === 'setSettings') ? new Map(before.items) : null,
    touched: new Set()
  }
  for (const change of changes) applyOne(ctx, change.op, change)
  for (const rid of ctx.touched) markForIndexing(db, 'item', rid)
}
