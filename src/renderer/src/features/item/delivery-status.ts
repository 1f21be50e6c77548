import type { MessageDelivery } from '../../../../shared/domain/entities'
import type { MessageKind } from '../../../../shared/domain/vocabulary'

/** What the agent may do about a reply's delivery: nothing, retry one the server gave up on, or send again one it could not confirm. */
export type DeliveryAction = 'retry' | 'sendAgain'

export interface DeliveryView {
  /** For the chip's look: where the reply stands. */
  tone: 'waiting' | 'progress' | 'done' | 'failed' | 'unconfirmed'
  /** The words of the chip, complete (also its accessible name, after "Delivery:"). */
  text: string
  action: DeliveryAction | null
}

export const ACTION_LABEL: Record<DeliveryAction, string> = { retry: 'Retry', sendAgain: 'Send again' }

/** What the chip needs of a thread message. */
export interface DeliveryInput {
  kind: MessageKind
  /** Still in this console's outbox. */
  pending: boolean
  delivery: MessageDelivery | null
}

/**
 * Where a reply stands, in words: not yet synced (only in a workspace that syncs: a local one
 * has no server to wait for), then the server's delivery queue as it last reported it. Null:
 * nothing to show (a note, a customer message, a reply the server does not deliver on a channel).
 */
export function deliveryView(m: DeliveryInput, synced: boolean, at: (iso: string) => string): DeliveryView | null {
  if (m.pending && synced && (m.kind === 'reply' || m.delivery !== null)) return { tone: 'waiting', text: 'Waiting to sync', action: null }
  const d = m.delivery
  if (d === null) return null
  const reason = d.error?.trim() || 'no reason given'
  switch (d.state) {
    case 'queued':
      return { tone: 'progress', text: 'Queued', action: null }
    case 'sending':
      return { tone: 'progress', text: 'Sending', action: null }
    case 'sent':
      return { tone: 'done', text: d.sentAt ? `Sent ${at(d.sentAt)}` : 'Sent', action: null }
    case 'failed':
      return d.nextAttemptAt
        ? { tone: 'failed', text: `Failed: ${reason} — retrying at ${at(d.nextAttemptAt)}`, action: null }
        : { tone: 'failed', text: `Failed: ${reason}`, action: 'retry' }
    case 'unconfirmed':
      return { tone: 'unconfirmed', text: 'Unconfirmed: the server stopped while sending; it may have arrived', action: 'sendAgain' }
  }
}
