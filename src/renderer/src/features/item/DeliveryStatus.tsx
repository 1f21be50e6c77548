import { useState } from 'react'
import { format } from 'date-fns'
import type { ThreadEntry } from '../../../../shared/contract'
import { errorMessage } from '../../api/client'
import { absolute } from '../../components/time'
import { retryDelivery } from '../../state/item'
import { useIsSynced } from '../../state/sync'
import { ACTION_LABEL, deliveryView } from './delivery-status'
import './delivery.css'

/** A time of day, with the date when it is not today: "14:05", "3 Dec, 14:05". */
function shortTime(iso: string): string {
  const date = new Date(iso)
  return date.toDateString() === new Date().toDateString() ? format(date, 'HH:mm') : format(date, 'd MMM, HH:mm')
}

/**
 * Where a reply stands on its way to the customer: a chip of words (no icon; focusable, named
 * "Delivery: …" for assistive technology, and announced when it changes), and for a reply the
 * server gave up on or could not confirm, the button that asks it to send again.
 */
export function DeliveryStatus({ entry }: { entry: Extract<ThreadEntry, { type: 'message' }> }) {
  const synced = useIsSynced()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const view = deliveryView({ kind: entry.message.kind, pending: entry.pending, delivery: entry.delivery }, synced, shortTime)
  if (!view) return null
  const { itemId, id: messageId } = entry.message
  const when = entry.delivery?.sentAt ?? entry.delivery?.nextAttemptAt ?? null
  const retry = async () => {
    setBusy(true)
    setError(null)
    try {
      await retryDelivery(itemId, messageId)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="delivery">
      <span
        className={`delivery-chip delivery-${view.tone}`}
        role="status"
        aria-label={`Delivery: ${view.text}`}
        tabIndex={0}
        title={when ? absolute(when) : undefined}
      >
        {view.text}
      </span>
      {view.action ? (
        <button type="button" className="delivery-retry" disabled={busy} onClick={() => void retry()}>
          {ACTION_LABEL[view.action]}
        </button>
      ) : null}
      {error ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  )
}
