import type { ThreadEntry } from '../../../../shared/contract'
import type { Agent, ItemEvent } from '../../../../shared/domain/entities'
import { CHANNELS, CHANNEL_LABEL, type Channel } from '../../../../shared/domain/vocabulary'
import { QUEUES, QUEUE_LABEL, type Queue } from '../../../../shared/domain/escalation'
import { RATING_SCALE } from '../../../../shared/mutations'
import { TimeAgo } from '../../components/time'
import { DeliveryStatus } from './DeliveryStatus'
import { MessageAttachments } from './MessageAttachments'

const isChannel = (x: string | null): x is Channel => x !== null && (CHANNELS as readonly string[]).includes(x)

/** The conversation and its history, oldest first. */
export function Thread({ entries, customerName, agents }: { entries: ThreadEntry[]; customerName: string; agents: Agent[] }) {
  const nameOf = (id: string | null) => (id === null ? null : (agents.find((a) => a.id === id)?.name ?? id))
  return (
    <ol aria-label="Thread" className="thread">
      {entries.map((entry) =>
        entry.type === 'message' ? (
          <MessageEntry key={entry.message.id} entry={entry} customerName={customerName} />
        ) : (
          <li key={entry.event.id} className="entry event">
            <span className="event-text">{eventSentence(entry.event, entry.actorName, nameOf)}</span> <TimeAgo iso={entry.at} />
          </li>
        )
      )}
    </ol>
  )
}

function MessageEntry({ entry, customerName }: { entry: Extract<ThreadEntry, { type: 'message' }>; customerName: string }) {
  const { message, authorName } = entry
  const agent = authorName ?? 'An agent'
  let who: string
  let label: string | null = null
  switch (message.kind) {
    case 'customer':
      who = customerName
      break
    case 'reply':
      who = agent
      label = 'Reply'
      break
    case 'note':
      who = agent
      label = 'Internal note'
      break
    case 'contact':
      who = agent
      label = message.channel === 'inperson' ? 'Logged walk-in' : message.channel === 'phone' ? 'Logged phone call' : 'Logged contact'
      break
    case 'auto':
      who = 'Automatic message'
      break
    case 'handoff':
      who = agent
      label = 'Handoff summary'
      break
  }
  return (
    <li className={`entry message message-${message.kind}`}>
      <div className="entry-meta">
        <span className="who">{who}</span>
        {label ? <span className={`entry-label label-${message.kind}`}>{label}</span> : null}
        <span className="via">via {CHANNEL_LABEL[message.channel]}</span>
        <TimeAgo iso={message.createdAt} />
      </div>
      <div className="entry-body">{message.body}</div>
      <MessageAttachments attachments={entry.attachments} problems={entry.problems} />
      <DeliveryStatus entry={entry} />
    </li>
  )
}

/** A history event as a short sentence: "Dana Ruiz changed status from new to open". */
export function eventSentence(event: ItemEvent, actorName: string | null, nameOf: (id: string | null) => string | null): string {
  const actor = actorName ?? 'Handoff'
  switch (event.type) {
    case 'created':
      return actorName ? `${actorName} created the item` : 'Item created'
    case 'status':
      return event.from ? `${actor} changed status from ${event.from} to ${event.to}` : `${actor} set status to ${event.to}`
    case 'priority':
      return `${actor} changed priority from ${event.from} to ${event.to}`
    case 'assigned':
      if (event.to === null) return `${actor} unassigned ${nameOf(event.from) ?? 'the item'}`
      return `${actor} assigned to ${nameOf(event.to)}`
    case 'rating': {
      const [kind, score] = (event.to ?? '').split(':')
      const label = kind === 'csat' || kind === 'nps' ? RATING_SCALE[kind].label : (kind ?? 'Rating').toUpperCase()
      return `${label} ${score ?? ''} recorded`.replace('  ', ' ')
    }
    case 'contact_logged': {
      const channel = event.to
      const what = channel === 'phone' ? 'a phone call' : channel === 'inperson' ? 'a walk-in' : isChannel(channel) ? `a ${CHANNEL_LABEL[channel]} contact` : 'a contact'
      return `${actor} logged ${what}`
    }
    case 'escalated':
    case 'handed_back':
    case 'deescalated':
      return handoffSentence(event, actor)
  }
}

const HANDOFF_VERB: Record<string, string> = { escalated: 'escalated', handed_back: 'handed back', deescalated: 'de-escalated' }
const isQueue = (x: string | null): x is Queue => x !== null && (QUEUES as readonly string[]).includes(x)
export const queueName = (x: string | null): string => (isQueue(x) ? QUEUE_LABEL[x] : (x ?? 'somewhere'))

/** "Dana Ruiz escalated from Frontline service to Support tier 1 — Technical problem beyond frontline". */
export function handoffSentence(event: ItemEvent, actor: string): string {
  const verb = HANDOFF_VERB[event.type] ?? event.type
  const why = event.reason ? ` — ${event.reason}` : ''
  return `${actor} ${verb} from ${queueName(event.from)} to ${queueName(event.to)}${why}`
}
