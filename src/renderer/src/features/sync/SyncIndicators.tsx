import { useId } from 'react'
import type { SyncStatus } from '../../../../shared/contract'
import { TimeAgo } from '../../components/time'
import { SYNC_STATE_LABEL, dismissSyncNotices } from '../../state/sync'
import { openDialog } from '../../state/ui'

const count = new Intl.NumberFormat('en-US')

export function pendingText(pending: number): string {
  if (pending === 0) return 'All changes synced'
  return pending === 1 ? '1 change waiting to sync' : `${count.format(pending)} changes waiting to sync`
}

export function rejectionsText(n: number): string {
  return n === 1 ? '1 change not applied' : `${count.format(n)} changes not applied`
}

export function firstSyncText(done: number, total: number): string {
  return `Downloading workspace: ${count.format(done)} of ${count.format(total)} items`
}

/**
 * The status bar's sync part, for a workspace tied to a server: the state in words, what waits
 * to be sent, when it last synced, the first download's progress, refused changes, and what a
 * pull did that the agent should hear of (an item they made that went outside their queues).
 */
export function SyncIndicators({ status }: { status: SyncStatus }) {
  const progressId = useId()
  const { state, pending, lastSyncedAt, firstSync, rejections, lastError, notices } = status
  return (
    <>
      <span role="status" className="sync-state">
        <button
          type="button"
          className={`status-button sync-pill sync-${state}`}
          onClick={() => openDialog({ type: 'server' })}
          title={lastError && state !== 'online' ? `${SYNC_STATE_LABEL[state]}: ${lastError}` : 'Server connection'}
        >
          {SYNC_STATE_LABEL[state]}
        </button>
      </span>
      <span className={pending > 0 ? 'outbox pending' : 'outbox'}>{pendingText(pending)}</span>
      {firstSync ? (
        <span className="first-sync">
          <label htmlFor={progressId}>{firstSyncText(firstSync.done, firstSync.total)}</label>
          <progress
            id={progressId}
            role="progressbar"
            max={Math.max(1, firstSync.total)}
            value={firstSync.done}
            aria-valuemin={0}
            aria-valuemax={firstSync.total}
            aria-valuenow={firstSync.done}
            aria-valuetext={`${count.format(firstSync.done)} of ${count.format(firstSync.total)} items`}
          />
        </span>
      ) : (
        <span className="last-synced">{lastSyncedAt ? <>Last synced <TimeAgo iso={lastSyncedAt} /></> : 'Not synced yet'}</span>
      )}
      {rejections > 0 ? (
        <button type="button" className="status-button rejections-button" onClick={() => openDialog({ type: 'rejections' })} title="Changes the server refused, with its reasons">
          {rejectionsText(rejections)}
        </button>
      ) : null}
      {notices.length > 0 ? (
        <span role="status" className="sync-notices">
          {notices.at(-1)}
          {notices.length > 1 ? ` (and ${count.format(notices.length - 1)} more)` : ''}{' '}
          <button type="button" className="status-button" title={notices.join('\n')} onClick={() => void dismissSyncNotices()}>
            Dismiss
          </button>
        </span>
      ) : null}
    </>
  )
}
