import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { TimeAgo } from '../../components/time'
import { openItem } from '../../state/item'
import { dismissRejection, loadRejections, mutationLabel, useSyncRejections, useSyncRejectionsLoaded } from '../../state/sync'
import { closeDialog, discardReturnFocus, showError } from '../../state/ui'

/**
 * The changes the server refused: what each was, when, the server's reason word for word, the
 * item it concerned, and "Dismiss" once the agent has taken note.
 */
export function RejectionsDialog() {
  const rejections = useSyncRejections()
  const loaded = useSyncRejectionsLoaded()
  const [busySeq, setBusySeq] = useState<number | null>(null)

  useEffect(() => {
    void loadRejections()
  }, [])

  const dismiss = async (seq: number) => {
    setBusySeq(seq)
    try {
      await dismissRejection(seq)
    } catch (e) {
      showError(errorMessage(e))
    } finally {
      setBusySeq(null)
    }
  }

  const open = (itemId: string) => {
    discardReturnFocus()
    closeDialog()
    void openItem(itemId)
  }

  return (
    <Dialog
      title="Changes not applied"
      onClose={closeDialog}
      className="rejections-dialog wide"
      description="The server refused these changes, so they were undone on this computer. Each says why."
    >
      {rejections.length === 0 ? (
        <p className="muted" data-autofocus tabIndex={-1}>
          {loaded ? 'Every change was applied. Nothing to review.' : 'Loading…'}
        </p>
      ) : (
        <ul className="rejection-list" aria-label="Changes not applied">
          {rejections.map((r) => {
            const label = mutationLabel(r.name)
            return (
              <li key={r.seq} className="rejection">
                <div className="rejection-head">
                  <strong>{label}</strong>
                  <span className="muted">
                    <TimeAgo iso={r.at} />
                  </span>
                </div>
                <p className="rejection-reason">{r.message}</p>
                <div className="rejection-actions">
                  {r.itemId ? (
                    <button type="button" onClick={() => open(r.itemId!)} aria-label={`Open the item of: ${label}`}>
                      Open item
                    </button>
                  ) : null}
                  <button type="button" onClick={() => void dismiss(r.seq)} disabled={busySeq === r.seq} aria-label={`Dismiss: ${label}, ${r.message}`}>
                    Dismiss
                  </button>
                </div>
              </li>
            )
          })}
        </ul>
      )}
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={closeDialog}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
