import type { InboxRow } from '../../../../shared/contract'
import type { Customer } from '../../../../shared/domain/entities'
import { KIND_LABEL } from '../../../../shared/domain/vocabulary'
import { StatusPill } from '../../components/Pill'
import { TimeAgo } from '../../components/time'
import { openItem } from '../../state/item'

/** Who the customer is, and everything else they have asked us about (service and support). */
export function CustomerCard({ customer, items, currentId }: { customer: Customer; items: InboxRow[]; currentId: string }) {
  const others = items.filter((i) => i.id !== currentId)
  return (
    <aside aria-label="Customer" className="customer-card">
      <h3 className="customer-name">{customer.name}</h3>
      <dl className="customer-facts">
        <dt>Email</dt>
        <dd>{customer.email ?? <span className="muted">none</span>}</dd>
        <dt>Phone</dt>
        <dd>{customer.phone ?? <span className="muted">none</span>}</dd>
        <dt>Customer since</dt>
        <dd>
          <TimeAgo iso={customer.createdAt} />
        </dd>
      </dl>
      <h4 className="other-items-heading">{others.length === 0 ? 'No other items' : `Other items (${others.length})`}</h4>
      {others.length > 0 ? (
        <ul className="other-items">
          {others.map((row) => (
            <li key={row.id}>
              <button type="button" className="other-item" onClick={() => void openItem(row.id)}>
                <span className="other-subject">{row.subject}</span>
                <span className="other-meta">
                  {KIND_LABEL[row.kind]} · <StatusPill status={row.status} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </aside>
  )
}
