import type { ChangeEvent } from 'react'
import type { AssigneeFilter, SavedViewFilter } from '../../../../shared/domain/entities'
import {
  ACTIVE_STATUSES,
  CHANNELS,
  CHANNEL_LABEL,
  ITEM_KINDS,
  KIND_LABEL,
  PRIORITIES,
  PRIORITY_LABEL,
  STATUSES,
  STATUS_LABEL
} from '../../../../shared/domain/vocabulary'
import { QUEUES, QUEUE_LABEL } from '../../../../shared/domain/escalation'
import { ELEMENT_IDS, shortcutProps } from '../../commands/commands'
import { setFilter, setSearchText, useInboxFilter, useInboxSearchText, useInboxTotal } from '../../state/inbox'
import { useAgents } from '../../state/session'
import { openDialog } from '../../state/ui'

const ANY = ''
const CUSTOM = '__custom'
const OPEN_WORK = '__active'

/** The value a single-choice select shows for a list filter: any, one value, or "as the view says". */
function singleValue<T extends string>(list: readonly T[] | undefined): string {
  if (!list || list.length === 0) return ANY
  if (list.length === 1) return list[0]!
  return CUSTOM
}

function statusValue(statuses: SavedViewFilter['statuses']): string {
  if (statuses && statuses.length === ACTIVE_STATUSES.length && ACTIVE_STATUSES.every((s) => statuses.includes(s))) return OPEN_WORK
  return singleValue(statuses)
}

function assigneeValue(a: AssigneeFilter | undefined): string {
  if (!a) return 'anyone'
  return a.type === 'agent' ? `agent:${a.agentId}` : a.type
}

function parseAssignee(value: string): AssigneeFilter | undefined {
  if (value === 'anyone') return undefined
  if (value === 'me' || value === 'unassigned') return { type: value }
  return { type: 'agent', agentId: value.slice('agent:'.length) }
}

const listFrom = <T extends string>(value: string): T[] | undefined => (value === ANY ? undefined : [value as T])

export function InboxToolbar() {
  const filter = useInboxFilter()
  const searchText = useInboxSearchText()
  const total = useInboxTotal()
  const agents = useAgents()

  const onSelect = (apply: (value: string) => void) => (e: ChangeEvent<HTMLSelectElement>) => {
    if (e.target.value !== CUSTOM) apply(e.target.value)
  }
  const kindValue = singleValue(filter.kinds)
  const channelValue = singleValue(filter.channels)
  const status = statusValue(filter.statuses)
  const priorityValue = singleValue(filter.priorities)
  const queueValue = singleValue(filter.queues)

  return (
    <div className="toolbar">
      <div className="toolbar-row">
        <input
          id={ELEMENT_IDS.search}
          type="search"
          className="search"
          aria-label="Search"
          placeholder="Search subject, customer, message…"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && searchText === '') e.currentTarget.blur()
          }}
          {...shortcutProps('search', 'Search')}
        />
        <span className="count" aria-live="polite">
          {total === null ? '…' : `${total} ${total === 1 ? 'item' : 'items'}`}
        </span>
        <div className="toolbar-actions">
          <button type="button" className="primary" onClick={() => openDialog({ type: 'newItem' })} {...shortcutProps('newItem', 'New item')}>
            New item
          </button>
          <button type="button" onClick={() => openDialog({ type: 'logContact', channel: 'phone' })} {...shortcutProps('logCall', 'Log call')}>
            Log call
          </button>
          <button type="button" onClick={() => openDialog({ type: 'logContact', channel: 'inperson' })} {...shortcutProps('logWalkIn', 'Log walk-in')}>
            Log walk-in
          </button>
        </div>
      </div>
      <div className="toolbar-row filters">
        <select aria-label="Filter by kind" value={kindValue} onChange={onSelect((v) => setFilter({ kinds: listFrom(v) }))}>
          <option value={ANY}>Any kind</option>
          {ITEM_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
          {kindValue === CUSTOM ? <option value={CUSTOM}>As the view says</option> : null}
        </select>
        <select aria-label="Filter by queue" value={queueValue} onChange={onSelect((v) => setFilter({ queues: listFrom(v) }))}>
          <option value={ANY}>Any queue</option>
          {QUEUES.map((q) => (
            <option key={q} value={q}>
              {QUEUE_LABEL[q]}
            </option>
          ))}
          {queueValue === CUSTOM ? <option value={CUSTOM}>As the view says</option> : null}
        </select>
        <select aria-label="Filter by channel" value={channelValue} onChange={onSelect((v) => setFilter({ channels: listFrom(v) }))}>
          <option value={ANY}>Any channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABEL[c]}
            </option>
          ))}
          {channelValue === CUSTOM ? <option value={CUSTOM}>As the view says</option> : null}
        </select>
        <select
          aria-label="Filter by status"
          value={status}
          onChange={onSelect((v) => setFilter({ statuses: v === OPEN_WORK ? [...ACTIVE_STATUSES] : listFrom(v) }))}
        >
          <option value={ANY}>Any status</option>
          <option value={OPEN_WORK}>Open work</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
          {status === CUSTOM ? <option value={CUSTOM}>As the view says</option> : null}
        </select>
        <select aria-label="Filter by priority" value={priorityValue} onChange={onSelect((v) => setFilter({ priorities: listFrom(v) }))}>
          <option value={ANY}>Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABEL[p]}
            </option>
          ))}
          {priorityValue === CUSTOM ? <option value={CUSTOM}>As the view says</option> : null}
        </select>
        <select aria-label="Filter by assignee" value={assigneeValue(filter.assignee)} onChange={(e) => setFilter({ assignee: parseAssignee(e.target.value) })}>
          <option value="anyone">Anyone</option>
          <option value="me">Mine</option>
          <option value="unassigned">Unassigned</option>
          {agents.map((a) => (
            <option key={a.id} value={`agent:${a.id}`}>
              {a.name}
            </option>
          ))}
        </select>
        {filter.dueWithinMinutes !== undefined ? (
          <span className="chip">
            Due within {filter.dueWithinMinutes >= 60 ? `${Math.round(filter.dueWithinMinutes / 60)} h` : `${filter.dueWithinMinutes} min`}
            <button type="button" className="chip-x" aria-label="Remove the due-soon filter" onClick={() => setFilter({ dueWithinMinutes: undefined })}>
              ×
            </button>
          </span>
        ) : null}
      </div>
    </div>
  )
}
