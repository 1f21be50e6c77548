import { prepared } from '../infra/statements'
import type { ChangeAppliers } from '../infra/change-applier'

/** How the views capability writes its change ops: an agent's own saved views. */
export const viewAppliers: ChangeAppliers<'upsertView' | 'deleteView'> = {
  upsertView(ctx, { view: v }) {
    if (v.ownerId === null) throw new Error('Built-in views are not stored')
    prepared(
      ctx.db,
      `INSERT INTO views (id, owner_id, name, filter, sort) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, sort = excluded.sort`
    ).run(v.id, v.ownerId, v.name, JSON.stringify(v.filter), JSON.stringify(v.sort))
  },
  deleteView(ctx, { id }) {
    prepared<[string]>(ctx.db, 'DELETE FROM views WHERE id = ?').run(id)
  }
}
