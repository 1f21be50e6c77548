import { useEffect, useRef, useState } from 'react'
import type { ItemDetail } from '../../../../shared/contract'
import { allowedNextStatuses } from '../../../../shared/domain/lifecycle'
import { CATEGORY_LABEL, CHANNEL_LABEL, KIND_LABEL, PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, type Priority, type Status } from '../../../../shared/domain/vocabulary'
import { errorMessage } from '../../api/client'
import { ELEMENT_IDS, shortcutProps } from '../../commands/commands'
import { SlaTimer, TimeAgo } from '../../components/time'
import { QUEUE_LABEL, availableHandoffs, tierOfQueue, type HandoffAction } from '../../../../shared/domain/escalation'
import { useDueSoonMinutes } from '../../state/settings'
import { handoffTitle } from '../dialogs/HandoffDialog'
import { HandoffSummary } from './HandoffSummary'
import { assignOpenItem, setOpenItemPriority, setOpenItemStatus } from '../../state/actions'
import { useItemDetail, useItemError, useItemLoading, useOpenItemId } from '../../state/item'
import { useAgents, useSignedInAgent } from '../../state/session'
import { openDialog, showSuccess } from '../../state/ui'
import { Composer } from './Composer'
import { CustomerCard } from './CustomerCard'
import { Thread } from './Thread'

/** The right-hand pane: the open item, its conversation, its customer, and the composer. */
export function ItemPane() {
  const openId = useOpenItemId()
  const detail = useItemDetail()
  const loading = useItemLoading()
  const error = useItemError()

  if (!openId) {
    return (
      <section aria-label="Item" className="item-pane item-empty">
        <p className="muted">Select an item to see its conversation</p>
      </section>
    )
  }
  if (!detail) {
    return (
      <section aria-label="Item" className="item-pane item-empty" aria-busy={loading}>
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    )
  }
  // Keyed by item: the controls' error messages and the composer start fresh for each item.
  return <ItemView key={detail.item.id} detail={detail} />
}

function ItemView({ detail }: { detail: ItemDetail }) {
  const agents = useAgents()
  const me = useSignedInAgent()
  const [controlError, setControlError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const { item, customer } = detail
  const closed = item.status === 'closed'
  const dueSoonMinutes = useDueSoonMinutes()
  const handoffs = availableHandoffs(item)

  // When the thread grows while the item is open (a reply, a note, an event), show the newest entry.
  const scrollRef = useRef<HTMLDivElement>(null)
  const seen = useRef(detail.thread.length)
  useEffect(() => {
    if (detail.thread.length > seen.current) scrollRef.current?.scrollTo({ top: scrollRef.current.scrollHeight, behavior: 'smooth' })
    seen.current = detail.thread.length
  }, [detail.thread.length])

  const change = async (run: () => Promise<void>, success: string) => {
    setBusy(true)
    setControlError(null)
    try {
      await run()
      showSuccess(success)
    } catch (e) {
      setControlError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const statuses: Status[] = [item.status, ...allowedNextStatuses(item.status)]
  const nameOf = (id: string | null) => (id === null ? 'nobody' : (agents.find((a) => a.id === id)?.name ?? id))

  return (
    <section aria-label="Item" className="item-pane">
      <header className="item-head">
        <h2 className="item-subject">{item.subject}</h2>
        <p className="item-meta">
          <span>{KIND_LABEL[item.kind]}</span>
          <span>{CATEGORY_LABEL[item.category]}</span>
          <span>via {CHANNEL_LABEL[item.channel]}</span>
          <span className={`queue queue-${item.queue}`}>Queue: {QUEUE_LABEL[item.queue]}</span>
          {item.tier !== null ? <span>{tierOfQueue(item.queue) === item.tier ? `Tier ${item.tier}` : `Tier reached ${item.tier}`}</span> : null}
          <span>
            Created <TimeAgo iso={item.createdAt} />
          </span>
          {item.slaDueAt ? (
            <span className="item-sla">
              SLA <SlaTimer iso={item.slaDueAt} dueSoonMinutes={dueSoonMinutes} />
            </span>
          ) : null}
        </p>
        <div className="item-controls">
          <label className="control">
            <span aria-hidden="true">Status</span>
            <select
              aria-label="Status"
              id={ELEMENT_IDS.status}
              value={item.status}
              disabled={busy}
              aria-keyshortcuts="s"
              onChange={(e) => {
                const next = e.target.value as Status
                void change(() => setOpenItemStatus(next), `Status changed to ${STATUS_LABEL[next]}`)
              }}
            >
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span aria-hidden="true">Priority</span>
            <select
              aria-label="Priority"
              id={ELEMENT_IDS.priority}
              value={item.priority}
              disabled={busy}
              aria-keyshortcuts="p"
              onChange={(e) => {
                const next = e.target.value as Priority
                void change(() => setOpenItemPriority(next), `Priority changed to ${PRIORITY_LABEL[next]}`)
              }}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span aria-hidden="true">Assignee</span>
            <select
              aria-label="Assignee"
              value={item.assigneeId ?? ''}
              disabled={busy}
              onChange={(e) => {
                const next = e.target.value || null
                void change(() => assignOpenItem(next), next ? `Assigned to ${nameOf(next)}` : 'Unassigned')
              }}
            >
              <option value="">Unassigned</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
              {item.assigneeId && !agents.some((a) => a.id === item.assigneeId) ? <option value={item.assigneeId}>{detail.assigneeName ?? item.assigneeId}</option> : null}
            </select>
          </label>
          <div className="control-buttons">
            <button
              type="button"
              disabled={busy || !me || item.assigneeId === me.id}
              onClick={() => me && void change(() => assignOpenItem(me.id), `Assigned to ${me.name}`)}
              {...shortcutProps('assignMe', 'Assign to me')}
            >
              Assign to me
            </button>
            <button type="button" onClick={() => openDialog({ type: 'recordRating', itemId: item.id })} {...shortcutProps('rating', 'Record rating')}>
              Record rating
            </button>
          </div>
          {handoffs.length > 0 ? (
            <div className="control-buttons handoff-buttons" role="group" aria-label="Handoff">
              {handoffs.map((action) => (
                <HandoffButton key={action} action={action} itemId={item.id} title={handoffTitle(action, item)} />
              ))}
            </div>
          ) : null}
        </div>
        {controlError ? (
          <p role="alert" className="field-error control-error">
            {controlError}
          </p>
        ) : null}
        {item.handoffSummary ? <HandoffSummary summary={item.handoffSummary} thread={detail.thread} /> : null}
        {detail.ratings.length > 0 ? (
          <p className="ratings">
            {detail.ratings.map((r) => (
              <span key={r.id} className="rating-chip">
                {r.kind === 'csat' ? 'CSAT' : 'NPS'} {r.score}
              </span>
            ))}
          </p>
        ) : null}
      </header>
      <div className="item-scroll" ref={scrollRef}>
        <CustomerCard customer={customer} items={detail.customerItems} currentId={item.id} />
        <Thread entries={detail.thread} customerName={customer.name} agents={agents} />
      </div>
      <Composer key={item.id} itemId={item.id} closed={closed} />
    </section>
  )
}

const HANDOFF_COMMAND: Record<HandoffAction, string> = {
  escalateToSupport: 'escalateToSupport',
  escalateTier: 'escalateTier',
  handBack: 'handBack',
  deescalate: 'deescalate'
}

function HandoffButton({ action, itemId, title }: { action: HandoffAction; itemId: string; title: string }) {
  return (
    <button type="button" className="handoff-button" onClick={() => openDialog({ type: 'handoff', action, itemId })} {...shortcutProps(HANDOFF_COMMAND[action], title)}>
      {title}
    </button>
  )
}
