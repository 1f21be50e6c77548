import { Dialog } from '../../components/Dialog'
import { ServerConnection } from '../sync/ServerSignIn'
import { closeDialog } from '../../state/ui'

/** Connect this workspace to the team's server, see where it is connected, or sign out. */
export function ServerDialog() {
  return (
    <Dialog title="Server" onClose={closeDialog} className="server-dialog">
      <ServerConnection autoFocus />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={closeDialog}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
