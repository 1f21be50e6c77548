import { createColumnHelper } from '@tanstack/react-table'
import type { InboxRow } from '../../../../shared/contract'
import type { SortColumn } from '../../../../shared/domain/entities'
import { CHANNEL_LABEL } from '../../../../shared/domain/vocabulary'
import { KindPill, PriorityPill, StatusPill } from '../../components/Pill'
import { Age, SlaCell } from '../../components/time'
import { QUEUE_LABEL, type Queue } from '../../../../shared/domain/escalation'
import { useDueSoonMinutes } from '../../state/settings'
import './unread.css'

const SHORT_QUEUE: Record<Queue, string> = { service: 'Frontline', tier1: 'Tier 1', tier2: 'Tier 2', tier3: 'Tier 3' }

/** The queue in a few letters ("Frontline", "Tier 2"); the full name is its title. */
const QueueCell = ({ queue }: { queue: Queue }) => (
  <span className={`queue queue-${queue}`} title={QUEUE_LABEL[queue]}>
    {SHORT_QUEUE[queue]}
  </span>
)

/** The subject, bold after a dot named "unread" while a customer message waits to be seen. */
function SubjectCell({ row }: { row: InboxRow }) {
  if (!row.unread) return <>{row.subject}</>
  return (
    <>
      <span className="unread-dot" role="img" aria-label="unread" />
      <strong className="unread-subject">{row.subject}</strong>
    </>
  )
}

function SlaDueCell({ iso }: { iso: string | null }) {
  const dueSoon = useDueSoonMinutes()
  return <SlaCell iso={iso} dueSoonMinutes={dueSoon} />
}

/** A row of the table: an inbox row with its position in the whole (database-sorted) list. */
export interface InboxEntry {
  index: number
  row: InboxRow
}

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData, TValue> {
    /** The column's track in the CSS grid that lays out every row. */
    width: string
  }
}

const col = createColumnHelper<InboxEntry>()

/** Stable, module-level column definitions; ids are the core's sort columns. */
export const COLUMNS = [
  col.accessor((e) => e.row.kind, { id: 'kind' satisfies SortColumn, header: 'Kind', cell: (c) => <KindPill kind={c.getValue()} />, meta: { width: '72px' } }),
  col.accessor((e) => e.row.channel, { id: 'channel' satisfies SortColumn, header: 'Channel', cell: (c) => CHANNEL_LABEL[c.getValue()], meta: { width: '72px' } }),
  col.accessor((e) => e.row.customerName, { id: 'customer' satisfies SortColumn, header: 'Customer', cell: (c) => c.getValue(), meta: { width: 'minmax(80px, 0.7fr)' } }),
  col.accessor((e) => e.row.subject, {
    id: 'subject' satisfies SortColumn,
    header: 'Subject',
    cell: (c) => <SubjectCell row={c.row.original.row} />,
    meta: { width: 'minmax(128px, 1.5fr)' }
  }),
  // Not a sort column of the core: the header is a plain label.
  col.accessor((e) => e.row.queue, { id: 'queue', header: 'Queue', cell: (c) => <QueueCell queue={c.getValue()} />, meta: { width: '76px' } }),
  col.accessor((e) => e.row.status, { id: 'status' satisfies SortColumn, header: 'Status', cell: (c) => <StatusPill status={c.getValue()} />, meta: { width: '80px' } }),
  col.accessor((e) => e.row.priority, { id: 'priority' satisfies SortColumn, header: 'Priority', cell: (c) => <PriorityPill priority={c.getValue()} />, meta: { width: '72px' } }),
  col.accessor((e) => e.row.assigneeName, {
    id: 'assignee' satisfies SortColumn,
    header: 'Assignee',
    cell: (c) => c.getValue() ?? <span className="muted">Unassigned</span>,
    meta: { width: 'minmax(70px, 0.6fr)' }
  }),
  col.accessor((e) => e.row.createdAt, { id: 'age' satisfies SortColumn, header: 'Age', cell: (c) => <Age iso={c.getValue()} compact />, meta: { width: '50px' } }),
  col.accessor((e) => e.row.slaDueAt, { id: 'slaDue' satisfies SortColumn, header: 'SLA due', cell: (c) => <SlaDueCell iso={c.getValue()} />, meta: { width: '128px' } })
]

/** The CSS grid template shared by the header row and every body row. */
export const GRID_TEMPLATE = COLUMNS.map((c) => c.meta?.width ?? '1fr').join(' ')

/** The narrowest a row may get (the sum of the tracks' minimums); below it the grid scrolls sideways. */
export const GRID_MIN_WIDTH = COLUMNS.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.meta?.width ?? '')?.[1] ?? 80), 0)
