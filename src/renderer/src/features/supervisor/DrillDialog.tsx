import { FormAlert } from '../../components/fields'
import type { Drill } from '../../state/team-figures'
import { closeDrill } from '../../state/team-figures'
import { openItem } from '../../state/item'
import { closeDialog } from '../../state/ui'
import { Dialog } from '../../components/Dialog'
import { KindPill, PriorityPill, StatusPill } from '../../components/Pill'
import { absolute } from '../../components/time'
import { CHANNEL_LABEL } from '../../../../shared/domain/vocabulary'
import { returnFocusFromDrill } from './TeamTable'

/** The items behind one number of the supervisor table; those in this workspace open in the item pane. */
export function DrillDialog({ drill }: { drill: Drill }) {
  const close = () => {
    closeDrill()
    returnFocusFromDrill()
  }
  const open = (itemId: string) => {
    closeDrill()
    closeDialog()
    void openItem(itemId)
  }
  const result = drill.result
  return (
    <Dialog title={`${drill.figureLabel}: ${drill.rowLabel}`} onClose={close} className="drill-dialog wide">
      {drill.status === 'loading' ? (
        <p className="muted" role="status">
          Asking the server for the items…
        </p>
      ) : null}
      <FormAlert message={drill.status === 'error' ? drill.error : null} />
      {result ? (
        <>
          <p className="hint" role="status">
            {result.total === 0
              ? 'No items behind this number.'
              : result.items.length < result.total
                ? `The newest ${result.items.length} of ${result.total} items.`
                : `${result.total} ${result.total === 1 ? 'item' : 'items'}.`}
          </p>
          {result.items.length > 0 ? (
            <div className="team-drill-scroll">
              <table className="figures-table" aria-label="Items behind the figure">
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Status</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((i) => (
                    <tr key={i.id}>
                      <th scope="row">
                        {i.local ? (
                          <button type="button" className="team-link-button" onClick={() => open(i.id)} title="Open this item">
                            {i.subject}
                          </button>
                        ) : (
                          <span title="This item is not in this workspace">{i.subject}</span>
                        )}
                      </th>
                      <td>
                        <KindPill kind={i.kind} />
                      </td>
                      <td>{CHANNEL_LABEL[i.channel]}</td>
                      <td>
                        <StatusPill status={i.status} />
                      </td>
                      <td>
                        <PriorityPill priority={i.priority} />
                      </td>
                      <td>{absolute(i.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
