import { errorMessage } from '../../api/client'
import { applyView, refreshInbox } from '../../state/inbox'
import { closeItem } from '../../state/item'
import { signIn, useSessionStore, useAgents, useOutboxPending, useSignedInAgent, useWorkspace } from '../../state/session'
import { openDialog, showError, showSuccess } from '../../state/ui'
import { SyncIndicators } from '../sync/SyncIndicators'
import { useIsSynced, useSyncStatus } from '../../state/sync'

export function outboxText(pending: number): string {
  if (pending === 0) return 'All changes saved locally'
  return pending === 1 ? '1 change waiting to sync' : `${pending} changes waiting to sync`
}

/** Who is signed in (and switching to another local agent), the outbox, the workspace size. */
export function StatusBar() {
  const agent = useSignedInAgent()
  const agents = useAgents()
  const pending = useOutboxPending()
  const workspace = useWorkspace()
  const synced = useIsSynced()
  const status = useSyncStatus()

  const switchTo = async (agentId: string) => {
    try {
      await signIn(agentId)
      closeItem()
      // "Mine" means someone else now, and their work starts elsewhere: the core orders the views
      // so the agent's own queue comes first (a specialist's tier), so open that one.
      const first = useSessionStore.getState().views[0]
      if (first) applyView(first)
      else refreshInbox()
      const name = agents.find((a) => a.id === agentId)?.name
      if (name) showSuccess(`Signed in as ${name}`)
    } catch (e) {
      showError(errorMessage(e))
    }
  }

  return (
    <footer aria-label="Status bar" className="status-bar">
      {synced && status ? (
        <>
          <span className="signed-in">
            <span>Signed in as {agents.find((a) => a.id === status.agentId)?.name ?? agent?.name ?? 'your agent'}</span>
          </span>
          <SyncIndicators status={status} />
        </>
      ) : (
        <>
          <span className="signed-in">
            <span>{agent ? `Signed in as ${agent.name}` : 'Not signed in'}</span>
            {agents.length > 1 ? (
              <select
                className="agent-switch"
                aria-label="Signed in as"
                title="Switch to another agent on this computer"
                value={agent?.id ?? ''}
                onChange={(e) => void switchTo(e.target.value)}
              >
                {agent ? null : <option value="">Choose…</option>}
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            ) : null}
          </span>
          <span className={pending > 0 ? 'outbox pending' : 'outbox'}>{outboxText(pending)}</span>
        </>
      )}
      <span className="spacer" />
      <button type="button" className="status-button" onClick={() => openDialog({ type: 'figures' })} title="Escalations, hand-backs and escalation rate by agent">
        Escalation figures
      </button>
      <button type="button" className="status-button" onClick={() => openDialog({ type: 'server' })} title="Connect this workspace to your team’s server">
        Server
      </button>
      <button type="button" className="status-button" onClick={() => openDialog({ type: 'settings' })} title="SLA targets and escalation reasons">
        Settings
      </button>
      {workspace ? (
        <span className="workspace-count">
          {workspace.demo ? 'Demo workspace · ' : ''}Items in workspace: {workspace.itemCount}
        </span>
      ) : null}
    </footer>
  )
}
