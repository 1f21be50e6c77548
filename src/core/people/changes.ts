import { keptOnReplay, type ChangeAppliers } from '../infra/change-applier'
import { prepared } from '../infra/statements'

/** How the people capability writes its change ops: a customer a mutation creates. */
export const customerAppliers: ChangeAppliers<'insertCustomer'> = {
  insertCustomer(ctx, { customer: c }) {
    if (keptOnReplay(ctx, 'customers', c.id)) return
    // Indexed for search by the customer high-water mark (search-index.ts).
    prepared<[string, string, string | null, string | null, string]>(ctx.db, 'INSERT INTO customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)').run(
      c.id,
      c.name,
      c.email,
      c.phone,
      c.createdAt
    )
  }
}
