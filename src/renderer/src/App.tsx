import { useEffect, useRef } from 'react'
import { handleGlobalKeyDown } from './commands/commands'
import { Toasts } from './components/Toasts'
import { LogContactDialog } from './features/dialogs/LogContactDialog'
import { NewItemDialog } from './features/dialogs/NewItemDialog'
import { RecordRatingDialog } from './features/dialogs/RecordRatingDialog'
import { SaveViewDialog } from './features/dialogs/SaveViewDialog'
import { HandoffDialog } from './features/dialogs/HandoffDialog'
import { SettingsDialog } from './features/dialogs/SettingsDialog'
import { FiguresDialog } from './features/dialogs/FiguresDialog'
import { SupervisorView } from './features/supervisor/SupervisorView'
import { RejectionsDialog } from './features/dialogs/RejectionsDialog'
import { ServerDialog } from './features/dialogs/ServerDialog'
import { FirstRun } from './features/first-run/FirstRun'
import { InboxTable } from './features/inbox/InboxTable'
import { InboxToolbar } from './features/inbox/InboxToolbar'
import { ItemPane } from './features/item/ItemPane'
import { StatusBar } from './features/layout/StatusBar'
import { ChooseAgent, DatabaseRefused, Loading, StartupFailed } from './features/layout/Screens'
import { ViewsNav } from './features/layout/ViewsNav'
import { CommandPalette } from './features/palette/CommandPalette'
import { MyFigures } from './features/figures/MyFigures'
import { useMyFiguresOpen } from './state/figures'
import { applyView, clearFilters, useInboxStore } from './state/inbox'
import { loadSession, useSessionPhase, useSignedInAgent, useViews, useWorkspace, watchOutbox } from './state/session'
import { watchShownItem } from './state/item'
import { useIsSynced, watchSync } from './state/sync'
import { useDialog, useModalOpen, usePaletteOpen, type DialogState } from './state/ui'

export function App() {
  const phase = useSessionPhase()
  const workspace = useWorkspace()
  const agent = useSignedInAgent()
  const synced = useIsSynced()

  useEffect(() => {
    void loadSession()
  }, [])

  // The core announces what changes (no polling): the sync's status, refused changes and pulled
  // data, and the outbox count as changes are recorded and confirmed.
  useEffect(() => watchSync(), [])
  useEffect(() => watchOutbox(), [])
  // Main learns which item is shown (for its notifications), and a clicked notification opens its item.
  useEffect(() => watchShownItem(), [])

  if (phase === 'refused') return <DatabaseRefused />
  if (phase === 'loading') return <Loading />
  if (phase === 'failed') return <StartupFailed />
  // A workspace connected to a server opens the console at once, while its first download runs.
  if (!workspace || (workspace.empty && !(synced && agent))) return <FirstRun />
  if (!agent) return <ChooseAgent />
  return <Workspace />
}

/** The three panes and the status bar, with the dialogs and the palette above them. */
function Workspace() {
  const modal = useModalOpen()
  const dialog = useDialog()
  const paletteOpen = usePaletteOpen()
  const figuresOpen = useMyFiguresOpen()

  // Open on the first view (My open), unless a view is already showing. A workspace that just
  // connected to a server may get its views a moment later: open the first once it arrives,
  // unless the agent has filtered or searched meanwhile.
  const views = useViews()
  const opened = useRef(false)
  useEffect(() => {
    if (opened.current) return
    const inbox = useInboxStore.getState()
    if (inbox.viewId !== null) {
      opened.current = true
      return
    }
    const first = views[0]
    const untouched = Object.keys(inbox.filter).length === 0 && inbox.searchText === ''
    if (first && untouched) {
      opened.current = true
      applyView(first)
    } else if (first) opened.current = true
    else if (inbox.generation === 0) clearFilters([])
  }, [views])

  useEffect(() => {
    window.addEventListener('keydown', handleGlobalKeyDown)
    return () => window.removeEventListener('keydown', handleGlobalKeyDown)
  }, [])

  return (
    <>
      <div className="layout" aria-hidden={modal ? true : undefined} inert={modal}>
        <ViewsNav />
        <main className="inbox-pane">
          {figuresOpen ? (
            <MyFigures />
          ) : (
            <>
              <InboxToolbar />
              <InboxTable />
            </>
          )}
        </main>
        <ItemPane />
        <StatusBar />
      </div>
      {dialog ? <ActiveDialog dialog={dialog} /> : null}
      {paletteOpen ? <CommandPalette /> : null}
      <Toasts />
    </>
  )
}

function ActiveDialog({ dialog }: { dialog: DialogState }) {
  switch (dialog.type) {
    case 'newItem':
      return <NewItemDialog />
    case 'logContact':
      return <LogContactDialog key={dialog.channel} channel={dialog.channel} />
    case 'recordRating':
      return <RecordRatingDialog itemId={dialog.itemId} />
    case 'saveView':
      return <SaveViewDialog />
    case 'handoff':
      return <HandoffDialog key={`${dialog.action}:${dialog.itemId}`} action={dialog.action} itemId={dialog.itemId} />
    case 'settings':
      return <SettingsDialog />
    case 'figures':
      return <FiguresDialog />
    case 'teamFigures':
      return <SupervisorView />
    case 'server':
      return <ServerDialog />
    case 'rejections':
      return <RejectionsDialog />
  }
}
